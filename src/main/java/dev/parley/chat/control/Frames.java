package dev.parley.chat.control;

import dev.parley.chat.entity.Event;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

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
        return escapeLoneSurrogates(JSONB.toJson(event));
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
