package dev.parley.bench;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WebSocket connection of a scenario, on the JDK client ({@link JdkWire}, {@code --client jdk}) or the lean one
 * ({@link LeanClient}, {@code --client lean}). Messages are handed to the scenario's {@link Handler} one at a time
 * per connection, a batched frame's events one by one. The JDK connections share a few {@link HttpClient}s (each one
 * selector thread) and a small callback pool: thousands of connections per thread.
 */
final class Client {

    interface Handler {
        void onFrame(Client client, String frame);

        default void onClose(Client client, int code, String reason) {}
    }

    private static final ExecutorService CALLBACKS = Executors.newFixedThreadPool(
            Integer.getInteger(
                    "bench.callback-threads", Math.max(2, Runtime.getRuntime().availableProcessors())),
            daemon("bench-callback"));
    private static final AtomicInteger NEXT = new AtomicInteger();
    /** Array frames received (batch=1) and the events they held: the report shows that batching took place. */
    static final java.util.concurrent.atomic.LongAdder BATCHED_FRAMES = new java.util.concurrent.atomic.LongAdder();

    static final java.util.concurrent.atomic.LongAdder BATCHED_EVENTS = new java.util.concurrent.atomic.LongAdder();

    /** The shared JDK clients, made on first use: a lean run must not need what they need (JDK 19 to bind). */
    private static final class Shared {
        static final HttpClient[] HTTP =
                httpClients(System.getProperty("bench.source-addresses", ""), Integer.getInteger("bench.selectors", 4));
    }

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
    private volatile Wire wire;
    /** Completes when the connection can take part: joined its room (Parley) or open (raw). */
    final CompletableFuture<Client> ready = new CompletableFuture<>();
    /** The room's latest seq when this connection joined ({@code joined.last}): it sees every later one; 0 on raw. */
    volatile long joinedLast;

    /** The socket under a client: the JDK's WebSocket ({@link JdkWire}) or the lean client's ({@link LeanConnection}). */
    interface Wire {
        void send(String frame);

        void close();

        void abort();
    }

    Client(int index, String name, String room, Handler handler) {
        this.index = index;
        this.name = name;
        this.room = room;
        this.handler = handler;
    }

    static CompletableFuture<Client> connect(URI uri, int index, String name, String room, Handler handler) {
        HttpClient[] shared = Shared.HTTP;
        return connect(shared[Math.floorMod(NEXT.getAndIncrement(), shared.length)], uri, index, name, room, handler);
    }

    /** Connects through the given client, e.g. one bound to a source address of {@link #httpClients}. */
    static CompletableFuture<Client> connect(
            HttpClient http, URI uri, int index, String name, String room, Handler handler) {
        return connect(http, uri, index, name, room, handler, null);
    }

    /** The same as a logged-in user: {@code cookie} is the login's session cookie ({@link Login}), or null. */
    static CompletableFuture<Client> connect(
            HttpClient http, URI uri, int index, String name, String room, Handler handler, String cookie) {
        Client client = new Client(index, name, room, handler);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        return builder.buildAsync(uri, new JdkWire(client)).thenApply(ws -> client);
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

    void attach(Wire opened) {
        wire = opened;
    }

    void send(String frame) {
        wire.send(frame);
    }

    void close() {
        Wire current = wire;
        if (current != null) {
            current.close();
        }
    }

    void abort() {
        Wire current = wire;
        if (current != null) {
            current.abort();
        }
    }

    /**
     * A text message from the server: one event, or (a connection with {@code batch=1}) a JSON array of events, which
     * the handler gets one at a time, in order.
     */
    void receive(String frame) {
        if (!frame.isEmpty() && frame.charAt(0) == '[') {
            BATCHED_FRAMES.increment();
            Json.elements(frame, event -> {
                BATCHED_EVENTS.increment();
                handler.onFrame(this, event);
            });
        } else {
            handler.onFrame(this, frame);
        }
    }

    void closed(int code, String reason) {
        handler.onClose(this, code, reason);
    }
}
