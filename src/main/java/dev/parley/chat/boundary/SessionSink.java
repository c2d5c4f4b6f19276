package dev.parley.chat.boundary;

import dev.parley.chat.control.FrameSink;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A connection's frames written to its WebSocket session, asynchronously. */
final class SessionSink implements FrameSink {

    private static final Logger LOG = Logger.getLogger(SessionSink.class.getName());
    private final Session session;

    SessionSink(Session session) {
        this.session = session;
    }

    @Override
    public void sendText(String frame, Consumer<Throwable> done) {
        try {
            session.getAsyncRemote()
                    .sendText(frame, result -> done.accept(result.isOK() ? null : result.getException()));
        } catch (RuntimeException closed) {
            done.accept(closed);
        }
    }

    @Override
    public void ping() throws IOException {
        session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
    }

    @Override
    public void close(CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing " + session.getId() + " failed", e);
        }
    }
}
