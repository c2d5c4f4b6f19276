package dev.parley.chat.control;

import java.util.logging.Logger;

/**
 * The operator's record of who came and went: exactly one line per connect, disconnect and refusal, at INFO, as
 * {@code key=value} pairs after the event name, in the logger {@code dev.parley.connections}. It never carries a
 * message text, a resume token or a password; other components (administration) log their actions through
 * {@link #event} the same way.
 */
public final class ConnectionLog {

    static final Logger LOG = Logger.getLogger("dev.parley.connections");

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

    public static void refused(String id, String user, String address, String reason, int closeCode) {
        event("refuse", "id", id, "user", user, "address", address, "reason", reason, "code", closeCode);
    }

    /** One line: the event name, then each key and value; values with spaces, quotes or '=' are quoted. */
    public static void event(String name, Object... keysAndValues) {
        if (LOG.isLoggable(java.util.logging.Level.INFO)) {
            LOG.info(line(name, keysAndValues));
        }
    }

    static String line(String name, Object... keysAndValues) {
        StringBuilder line = new StringBuilder(name);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            line.append(' ').append(keysAndValues[i]).append('=').append(value(keysAndValues[i + 1]));
        }
        return line.toString();
    }

    private static String value(Object value) {
        String text = String.valueOf(value);
        if (!text.isEmpty() && text.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '=' || c == 0x7f)) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').appendCodePoint(c);
            } else if (c < ' ' || c == 0x7f) {
                quoted.append(String.format("\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('"').toString();
    }
}
