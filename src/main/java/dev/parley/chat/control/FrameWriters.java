package dev.parley.chat.control;

import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The threads that start the sends of a broadcast ({@code parley.outbox.writer-threads}, default one per core).
 * A broadcast queues its frame to every member while it holds the room's lock; were each queue's first send made
 * there, the lock would be held for a thousand socket writes in a room of a thousand (measured: 20 ms of a 50 ms
 * post on a busy 2-core machine, which capped a room near 20 posts/s). So the broadcast hands its recipients over
 * here in one task per thread, not one per recipient, and the next post is stored while these send.
 *
 * <p>They also decide how a connection that asked for batched frames gets them ({@link #batching}): with
 * {@code parley.outbox.linger-ms} above zero, an idle connection's first frame waits that long on a timer of the same
 * size as the pool, so that the frames that follow join it in one array.
 *
 * <p>A plain pool from the container's thread factory: starting a send needs no request context, and a managed
 * executor would set one up for every task.
 */
@ApplicationScoped
public class FrameWriters {

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    private Executor pool;
    private int parallelism;
    private Batching batched = Batching.OFF;
    private ScheduledExecutorService lingering;

    public FrameWriters() {}

    /** Writers on a given executor, e.g. the caller's own thread, batching for the clients that ask as given. */
    FrameWriters(Executor pool, int parallelism, Batching batched) {
        this.pool = pool;
        this.parallelism = parallelism;
        this.batched = batched;
    }

    @PostConstruct
    void start() {
        ChatLimits limits = ChatLimits.from(Settings.fromEnvironment());
        parallelism = limits.outboxWriterThreads();
        pool = Executors.newFixedThreadPool(parallelism, threads);
        if (!limits.outboxLinger().isZero()) {
            lingering = Executors.newScheduledThreadPool(parallelism, threads);
        }
        batched = Batching.from(limits, lingering);
    }

    /** How a connection's frames go: in arrays when its client asked for them ({@code batch=1}), else one by one. */
    public Batching batching(boolean asked) {
        return asked ? batched : Batching.OFF;
    }

    @PreDestroy
    void stop() {
        if (pool instanceof ExecutorService service) {
            service.shutdown();
        }
        if (lingering != null) {
            lingering.shutdown();
        }
    }

    /** Starts sending on each connection that has frames queued, spread over the writer threads. */
    public void flush(List<Connection> connections) {
        int chunks = Math.max(1, Math.min(parallelism, connections.size() / 64));
        int size = (connections.size() + chunks - 1) / chunks;
        for (int from = 0; from < connections.size(); from += size) {
            List<Connection> chunk = connections.subList(from, Math.min(connections.size(), from + size));
            try {
                pool.execute(() -> chunk.forEach(Connection::flush));
            } catch (RejectedExecutionException stopping) {
                chunk.forEach(Connection::flush); // the application is stopping: send on this thread
            }
        }
    }
}
