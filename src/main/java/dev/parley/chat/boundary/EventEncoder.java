package dev.parley.chat.boundary;

import dev.parley.chat.control.Frames;
import dev.parley.chat.entity.Event;
import jakarta.websocket.Encoder;

/** The codec named on the endpoint: events as protocol v1 text frames, written by {@link Frames}. */
public class EventEncoder implements Encoder.Text<Event> {

    @Override
    public String encode(Event event) {
        return Frames.encode(event);
    }
}
