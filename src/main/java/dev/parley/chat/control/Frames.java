package dev.parley.chat.control;

import dev.parley.chat.entity.Event;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.List;

/**
 * The one place events become text frames: one JSON object with its {@code type} alias first, mapped with the
 * runtime type ({@code toJson(event, Event.class)} gives {@code {}} on Yasson). A broadcast encodes once and sends the
 * same text to every member.
 * <p>
 * An event may echo what a client sent (a room name in an error, a whisper's recipient), and the decoder lets lone
 * surrogates through for the content rules to judge. Yasson writes them raw, which no container can send as UTF-8
 * (Tyrus's send then never completes, and the connection's outbox stalls), so they are written as JSON escapes:
 * valid UTF-8 on the wire, the same string for the client.
 */
public final class Frames {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private Frames() {}

    public static String encode(Event event) {
        if (event instanceof Event.Welcome welcome) {
            return escapeLoneSurrogates(welcome(welcome));
        }
        return escapeLoneSurrogates(JSONB.toJson(event));
    }

    /**
     * The {@code welcome}, written here rather than by JSON-B: one per handshake, where Yasson's mapping was a tenth
     * of the server's CPU in the handshake run (issue #15). The same text JSON-B writes (FramesTest compares them):
     * the fields in JSON-B's default (lexicographic) order after {@code type}, a null {@code resume} left
     * out.
     */
    private static String welcome(Event.Welcome welcome) {
        StringBuilder json = new StringBuilder(160).append("{\"type\":\"welcome\"");
        if (welcome.features() != null) {
            strings(json.append(",\"features\":"), welcome.features());
        }
        if (welcome.files() != null) {
            json.append(",\"files\":{\"maxBytes\":")
                    .append(welcome.files().maxBytes())
                    .append(",\"maxPerMessage\":")
                    .append(welcome.files().maxPerMessage())
                    .append(",\"uploadsAtOncePerUser\":")
                    .append(welcome.files().uploadsAtOncePerUser())
                    .append('}');
        }
        json.append(",\"protocol\":").append(welcome.protocol());
        if (welcome.resume() != null) {
            string(json.append(",\"resume\":"), welcome.resume());
        }
        if (welcome.rooms() != null) {
            strings(json.append(",\"rooms\":"), welcome.rooms());
        }
        if (welcome.user() != null) {
            string(json.append(",\"user\":"), welcome.user());
        }
        return json.append('}').toString();
    }

    private static void strings(StringBuilder json, List<String> values) {
        json.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            String value = values.get(i);
            if (value == null) {
                json.append("null");
            } else {
                string(json, value);
            }
        }
        json.append(']');
    }

    /** A JSON string as Parsson (JSON-B's generator) writes it: quote, backslash and controls escaped, nothing else. */
    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\' -> json.append('\\').append(c);
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < ' ') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** Raw lone surrogates can only be inside JSON strings, where {@code \\uXXXX} is the same character. */
    public static String escapeLoneSurrogates(String json) {
        StringBuilder escaped = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean pair = Character.isHighSurrogate(c)
                    && i + 1 < json.length()
                    && Character.isLowSurrogate(json.charAt(i + 1));
            if (!pair && Character.isSurrogate(c)) {
                if (escaped == null) {
                    escaped = new StringBuilder(json.length() + 12).append(json, 0, i);
                }
                escaped.append(String.format("\\u%04x", (int) c));
                continue;
            }
            if (escaped != null) {
                escaped.append(c);
                if (pair) {
                    escaped.append(json.charAt(i + 1));
                }
            }
            if (pair) {
                i++;
            }
        }
        return escaped == null ? json : escaped.toString();
    }
}
