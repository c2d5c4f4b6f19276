package dev.parley.chat.boundary;

import dev.parley.chat.control.Frames;
import dev.parley.chat.entity.Event;
import jakarta.websocket.Encoder;

/**
 * Events as protocol v1 text frames, written by {@link Frames}, for code that sends {@link Event} objects; the
 * endpoint sends the text {@link Frames} makes and declares no codec (see {@link ChatEndpoint}).
 */
public class EventEncoder implements Encoder.Text<Event> {

    @Override
    public String encode(Event event) {
        return Frames.encode(event);
    }
}
