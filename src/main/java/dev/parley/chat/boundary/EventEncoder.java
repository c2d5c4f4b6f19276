package dev.parley.chat.boundary;

import dev.parley.chat.entity.Event;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.websocket.Encoder;

/**
 * Writes an {@link Event} as one JSON object with its {@code type} alias first. {@link #encode} declares no
 * exception so the registry can encode a broadcast once and send the same text to every member. It maps with the
 * runtime type: {@code toJson(event, Event.class)} gives {@code {}} on Yasson.
 * <p>
 * An event may echo what a client sent (a room name in an error, a whisper's recipient), and the decoder lets lone
 * surrogates through for the content rules to judge. Yasson writes them raw, which no container can send as UTF-8
 * (Tyrus's send then never completes, and the connection's outbox stalls), so they are written as JSON escapes:
 * valid UTF-8 on the wire, the same string for the client.
 */
public class EventEncoder implements Encoder.Text<Event> {

    private static final Jsonb JSONB = JsonbBuilder.create();

    @Override
    public String encode(Event event) {
        return escapeLoneSurrogates(JSONB.toJson(event));
    }

    /** Raw lone surrogates can only be inside JSON strings, where {@code \\uXXXX} is the same character. */
    static String escapeLoneSurrogates(String json) {
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
