package dev.parley.chat.control;

import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads that send queued frames ({@code parley.outbox.writer-threads}, default one per core). A broadcast
 * enqueues to every member while it holds its room's lock; were the first send of each queue made on that thread,
 * the lock would be held for a thousand socket writes in a room of a thousand (measured: 20 ms of a 50 ms post).
 * A plain pool from the container's thread factory: writing a frame needs no request context, and a managed
 * executor would set one up for every task.
 */
@ApplicationScoped
public class FrameWriters implements Executor {

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;
    private ExecutorService pool;

    @PostConstruct
    void start() {
        pool = Executors.newFixedThreadPool(ChatLimits.from(Settings.fromEnvironment()).outboxWriterThreads(), threads);
    }

    @PreDestroy
    void stop() {
        pool.shutdown();
    }

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }
}
