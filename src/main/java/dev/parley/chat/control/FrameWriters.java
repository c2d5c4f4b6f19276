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

/**
 * The threads that start the sends of a broadcast ({@code parley.outbox.writer-threads}, default one per core).
 * A broadcast queues its frame to every member while it holds the room's lock; were each queue's first send made
 * there, the lock would be held for a thousand socket writes in a room of a thousand (measured: 20 ms of a 50 ms
 * post on a busy 2-core machine, which capped a room near 20 posts/s). So the broadcast hands its recipients over
 * here in one task per thread, not one per recipient, and the next post is stored while these send.
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

    public FrameWriters() {}

    /** Writers on a given executor, e.g. the caller's own thread. */
    FrameWriters(Executor pool, int parallelism) {
        this.pool = pool;
        this.parallelism = parallelism;
    }

    @PostConstruct
    void start() {
        parallelism = ChatLimits.from(Settings.fromEnvironment()).outboxWriterThreads();
        pool = Executors.newFixedThreadPool(parallelism, threads);
    }

    @PreDestroy
    void stop() {
        if (pool instanceof ExecutorService service) {
            service.shutdown();
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
