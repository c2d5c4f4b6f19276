package dev.parley.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lean client ({@code --client lean}): WebSockets on plain {@code java.nio}, every connection on one of a few
 * selector loops ({@code -Dbench.lean-threads}, default 2), which also run the scenario's handler. The JDK's
 * {@code HttpClient} WebSocket costs the generator more CPU than the server spends on the same frames (a task and a
 * {@code CompletableFuture} per frame, a callback pool hand-off); here a frame costs a read into the loop's buffer,
 * the parse, and the handler. A loop reads every socket into one buffer of its own, so an idle connection holds no
 * read buffer. Connections bind round-robin to {@code -Dbench.source-addresses} like the JDK client's, which works
 * on JDK 17 here ({@code SocketChannel.bind}).
 */
final class LeanClient implements Connector {

    private static LeanClient shared;

    private final Loop[] loops;
    private final List<InetAddress> sources;
    private final AtomicInteger next = new AtomicInteger();

    LeanClient(int threads, List<InetAddress> sources) {
        this.sources = sources;
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop();
            Thread thread = new Thread(loops[i], "bench-lean-" + (i + 1));
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** The process's lean client, from {@code bench.lean-threads} and {@code bench.source-addresses}. */
    static synchronized LeanClient shared() {
        if (shared == null) {
            String spec = System.getProperty("bench.source-addresses", "");
            shared = new LeanClient(
                    Integer.getInteger("bench.lean-threads", 2),
                    spec.isBlank() ? List.of() : SourceAddresses.parse(spec));
        }
        return shared;
    }

    @Override
    public CompletableFuture<Client> connect(URI uri, int index, String name, String room, Client.Handler handler) {
        int k = Math.floorMod(next.getAndIncrement(), Integer.MAX_VALUE);
        Client client = new Client(index, name, room, handler);
        LeanConnection connection = new LeanConnection(client, uri, loops[k % loops.length]);
        InetAddress source = sources.isEmpty() ? null : sources.get(k % sources.size());
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        connection.start(source, new InetSocketAddress(uri.getHost(), port));
        return connection
                .opened
                .orTimeout(30, TimeUnit.SECONDS)
                .whenComplete((opened, failure) -> {
                    if (failure != null) {
                        connection.abort();
                    }
                })
                .thenApply(opened -> client);
    }

    /** One selector thread and the read buffer every connection on it shares. */
    static final class Loop implements Runnable {
        final Selector selector;
        final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private volatile Thread thread;

        Loop() {
            try {
                selector = Selector.open();
            } catch (IOException failed) {
                throw new UncheckedIOException(failed);
            }
        }

        /** Runs {@code task} on the loop's thread (registering a channel, closing one). */
        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        boolean inLoop() {
            return Thread.currentThread() == thread;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            while (true) {
                try {
                    selector.select(key -> ((LeanConnection) key.attachment()).ready(key));
                } catch (IOException | RuntimeException failed) {
                    System.err.println("lean client loop: " + failed);
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    try {
                        task.run();
                    } catch (RuntimeException failed) {
                        System.err.println("lean client task: " + failed);
                    }
                }
            }
        }
    }
}
