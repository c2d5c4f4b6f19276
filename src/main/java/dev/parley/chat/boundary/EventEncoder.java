package dev.parley.chat.boundary;

import dev.parley.chat.control.Frames;
import dev.parley.chat.entity.Event;
import jakarta.websocket.Encoder;

/**
 * The encoder named on the endpoint: events as protocol v1 text frames, written by {@link Frames}. The endpoint's
 * own sends are text {@link Frames} made once for every member (see {@link ChatEndpoint}).
 */
public class EventEncoder implements Encoder.Text<Event> {

    @Override
    public String encode(Event event) {
        return Frames.encode(event);
    }
}
