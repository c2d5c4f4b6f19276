package dev.parley.chat.control;

import jakarta.websocket.CloseReason;
import java.util.function.Consumer;

/** Where a connection's frames go: the WebSocket session in production, a recorder in unit tests. */
public interface FrameSink {

    /** Starts sending one text frame without blocking; {@code done} gets null on success, else the failure. */
    void sendText(String frame, Consumer<Throwable> done);

    void close(CloseReason reason);

    /**
     * Sends a ping, which a live client answers with a pong. Sinks without a transport (test recorders) have no
     * pings to send.
     */
    default void ping() throws java.io.IOException {}
}
