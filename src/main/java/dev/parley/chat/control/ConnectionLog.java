package dev.parley.chat.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * The operator's record of who came and went: one line per connect, disconnect and refusal (refusals sampled per
 * address, so a client hammering the server cannot flood the log), at INFO, as
 * {@code key=value} pairs after the event name, in the logger {@code dev.parley.connections}. It never carries a
 * message text, a resume token or a password; other components (administration) log their actions through
 * {@link #event} the same way.
 */
public final class ConnectionLog {

    static final Logger LOG = Logger.getLogger("dev.parley.connections");

    private static final int MAX_VALUE_CHARS = 128;

    private ConnectionLog() {}

    public static void connected(Connection connection, String address) {
        event(
                "connect",
                "id",
                connection.id(),
                "user",
                connection.user(),
                "auth",
                connection.identity().authenticated() ? "realm" : "guest",
                "address",
                address);
    }

    public static void disconnected(Connection connection, String address, int closeCode) {
        event("disconnect", "id", connection.id(), "user", connection.user(), "address", address, "code", closeCode);
    }

    /**
     * @param leftOut refusals from the same address not logged since the last line (see
     *     {@link ConnectionGate#refusalsLeftOutBefore})
     * @param origin  the page's origin when that is what was refused (the operator may have to allow it), else null
     */
    public static void refused(
            String id, String user, String address, String reason, int closeCode, long leftOut, String origin) {
        List<Object> line = new ArrayList<>(
                Arrays.asList("id", id, "user", user, "address", address, "reason", reason, "code", closeCode));
        if (leftOut != 0) {
            line.addAll(List.of("left_out", leftOut));
        }
        if (origin != null) {
            line.addAll(List.of("origin", origin, "allowed_by", "parley.allowed-origins"));
        }
        event("refuse", line.toArray());
    }

    /** One line: the event name, then each key and value; values with spaces, quotes or '=' are quoted. */
    public static void event(String name, Object... keysAndValues) {
        if (LOG.isLoggable(java.util.logging.Level.INFO)) {
            LOG.info(line(name, keysAndValues));
        }
    }

    public static String line(String name, Object... keysAndValues) {
        StringBuilder line = new StringBuilder(name);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            line.append(' ').append(keysAndValues[i]).append('=').append(value(keysAndValues[i + 1]));
        }
        return line.toString();
    }

    private static String value(Object value) {
        String text = String.valueOf(value);
        if (text.length() > MAX_VALUE_CHARS) {
            // a refused handshake's name is whatever the client sent, up to the container's header limit
            text = text.substring(0, MAX_VALUE_CHARS) + "…(" + text.length() + " chars)";
        }
        if (!text.isEmpty() && plain(text)) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').appendCodePoint(c);
            } else if (c < ' ' || unsafe(c)) {
                quoted.append(String.format("\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('"').toString();
    }

    /** Whether a value goes in unquoted: two lines per connection, so a loop rather than a stream (issue #15). */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == '"' || c == '=' || (c > '~' && unsafe(text.codePointAt(i)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Characters that could break a line for a log reader (NEL, U+2028, U+2029) or reorder what it shows (bidi
     * controls are format characters).
     */
    private static boolean unsafe(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
