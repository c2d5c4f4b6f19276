package dev.parley.chat.boundary;

import dev.parley.chat.entity.Event;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.websocket.Encoder;

/**
 * Writes an {@link Event} as one JSON object with its {@code type} alias first. {@link #encode} declares no
 * exception so the registry can encode a broadcast once and send the same text to every member. It maps with the
 * runtime type: {@code toJson(event, Event.class)} gives {@code {}} on Yasson.
 */
public class EventEncoder implements Encoder.Text<Event> {

    private static final Jsonb JSONB = JsonbBuilder.create();

    @Override
    public String encode(Event event) {
        return JSONB.toJson(event);
    }
}
