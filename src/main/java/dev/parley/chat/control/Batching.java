package dev.parley.chat.control;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How a connection that asked for batched frames ({@code batch=1} on its URL) gets them: the frames its outbox queued
 * while a send was in flight leave together as one JSON array, each event's text as the room encoded it once, never
 * encoded again per member. {@link #OFF} for every other connection, which gets one event per frame (protocol v1).
 *
 * @param maxChars the largest array frame, in UTF-16 chars as the outbox counts; an event larger than this goes alone
 * @param linger   how long an idle writer waits for more frames before it sends; zero sends at once
 * @param later    runs a lingering writer's send once {@code linger} has passed
 */
public record Batching(long maxChars, Duration linger, Later later) {

    /** Runs a task after a delay, off the caller's thread. */
    @FunctionalInterface
    public interface Later {
        void after(Duration delay, Runnable task);
    }

    public static final Batching OFF = new Batching(0, Duration.ZERO, (delay, task) -> task.run());

    /**
     * Batching as the settings say, for the clients that ask for it; a linger's delayed sends run on {@code timer},
     * which may be null when {@code parley.outbox.linger-ms} is zero.
     */
    static Batching from(ChatLimits limits, ScheduledExecutorService timer) {
        Later later = limits.outboxLinger().isZero()
                ? OFF.later()
                : (delay, task) -> timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return new Batching(limits.outboxBatchMaxBytes(), limits.outboxLinger(), later);
    }

    boolean on() {
        return maxChars > 0;
    }

    boolean lingers() {
        return on() && !linger.isZero();
    }
}
