package dev.parley.bench;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WebSocket connection on the JDK client. Frames are reassembled and handed to the scenario's
 * {@link Handler} on the client's callback thread, one at a time per connection. Sends are chained, because the JDK
 * allows one outstanding send per socket. The connections share a few {@link HttpClient}s (each one selector thread)
 * and a small callback pool: thousands of connections per thread.
 */
final class Client implements WebSocket.Listener {

    interface Handler {
        void onFrame(Client client, String frame);

        default void onClose(Client client, int code, String reason) {}
    }

    private static final ExecutorService CALLBACKS = Executors.newFixedThreadPool(
            Integer.getInteger(
                    "bench.callback-threads", Math.max(2, Runtime.getRuntime().availableProcessors())),
            daemon("bench-callback"));
    private static final HttpClient[] HTTP =
            httpClients(System.getProperty("bench.source-addresses", ""), Integer.getInteger("bench.selectors", 4));
    private static final AtomicInteger NEXT = new AtomicInteger();

    /**
     * {@code selectors} clients on the default source address, or, given source addresses ({@code 127.0.0.2-127.0.0.41}
     * or a comma list), one client bound to each: connections go round-robin over them, so a server sees them come
     * from many addresses, and each address has its own 28,000 ephemeral ports. Binding needs
     * {@code HttpClient.Builder.localAddress}, which the JDK has from version 19 on.
     */
    static HttpClient[] httpClients(String sourceAddresses, int selectors) {
        return httpClients(sourceAddresses, selectors, CALLBACKS);
    }

    /** The same with a callback pool of their own, e.g. so that attackers' frames do not queue before others'. */
    static HttpClient[] httpClients(String sourceAddresses, int selectors, Executor callbacks) {
        if (sourceAddresses.isBlank()) {
            HttpClient[] clients = new HttpClient[selectors];
            for (int i = 0; i < selectors; i++) {
                clients[i] = builder(callbacks).build();
            }
            return clients;
        }
        Method localAddress;
        try {
            localAddress = HttpClient.Builder.class.getMethod("localAddress", InetAddress.class);
        } catch (NoSuchMethodException tooOld) {
            throw new IllegalStateException("bench.source-addresses needs a JDK 19 or newer to run the generator ("
                    + "HttpClient.Builder.localAddress); this is " + System.getProperty("java.version"));
        }
        List<InetAddress> addresses = SourceAddresses.parse(sourceAddresses);
        HttpClient[] clients = new HttpClient[addresses.size()];
        for (int i = 0; i < clients.length; i++) {
            HttpClient.Builder builder = builder(callbacks);
            try {
                localAddress.invoke(builder, addresses.get(i));
            } catch (ReflectiveOperationException failed) {
                throw new IllegalStateException("cannot bind to " + addresses.get(i), failed);
            }
            clients[i] = builder.build();
        }
        return clients;
    }

    private static HttpClient.Builder builder(Executor callbacks) {
        return HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(30));
    }

    final int index;
    final String name;
    final String room;
    private final Handler handler;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    /** Completes when the connection can take part: joined its room (Parley) or open (raw). */
    final CompletableFuture<Client> ready = new CompletableFuture<>();
    /** The room's latest seq when this connection joined ({@code joined.last}): it sees every later one; 0 on raw. */
    volatile long joinedLast;

    private Client(int index, String name, String room, Handler handler) {
        this.index = index;
        this.name = name;
        this.room = room;
        this.handler = handler;
    }

    static CompletableFuture<Client> connect(URI uri, int index, String name, String room, Handler handler) {
        return connect(HTTP[Math.floorMod(NEXT.getAndIncrement(), HTTP.length)], uri, index, name, room, handler);
    }

    /** Connects through the given client, e.g. one bound to a source address of {@link #httpClients}. */
    static CompletableFuture<Client> connect(
            HttpClient http, URI uri, int index, String name, String room, Handler handler) {
        Client client = new Client(index, name, room, handler);
        return http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .buildAsync(uri, client)
                .thenApply(ws -> client);
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    static Executor callbacks() {
        return CALLBACKS;
    }

    void send(String frame) {
        synchronized (this) {
            WebSocket ws = socket;
            sending = sending.thenCompose(done -> ws.sendText(frame, true));
        }
    }

    void close() {
        WebSocket ws = socket;
        if (ws != null) {
            synchronized (this) {
                sending = sending.thenCompose(done -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""))
                        .exceptionally(failed -> null);
            }
        }
    }

    void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
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
            handler.onFrame(this, frame);
        } else {
            handler.onFrame(this, data.toString());
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
        handler.onClose(this, statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        handler.onClose(this, 1006, String.valueOf(error));
    }
}
