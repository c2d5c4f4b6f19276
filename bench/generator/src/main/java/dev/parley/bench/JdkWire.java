package dev.parley.bench;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Client} on the JDK's WebSocket: frames are reassembled on the client's callback thread; sends are chained,
 * because the JDK allows one outstanding send per socket.
 */
final class JdkWire implements WebSocket.Listener, Client.Wire {

    private final Client client;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    JdkWire(Client client) {
        this.client = client;
    }

    @Override
    public void send(String frame) {
        synchronized (this) {
            WebSocket ws = socket;
            sending = sending.thenCompose(done -> ws.sendText(frame, true));
        }
    }

    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws != null) {
            synchronized (this) {
                sending = sending.thenCompose(done -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""))
                        .exceptionally(failed -> null);
            }
        }
    }

    @Override
    public void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        client.attach(this);
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!last) {
            partial.append(data);
        } else if (partial.length() > 0) {
            partial.append(data);
            String frame = partial.toString();
            partial.setLength(0);
            client.receive(frame);
        } else {
            client.receive(data.toString());
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        client.closed(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        client.closed(1006, String.valueOf(error));
    }
}
