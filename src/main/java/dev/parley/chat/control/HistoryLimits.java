package dev.parley.chat.control;

import dev.parley.settings.Settings;
import java.time.Duration;

/**
 * The settings of {@code history} queries, read once at startup (settings document).
 *
 * @param threads queries read from the archive at once, each on a thread of Parley's own
 * @param maxQueued queries waiting for one of those threads; one more is refused at once
 * @param timeout from the command's arrival to its answer, waiting included; later it is refused
 * @param maxReplyBytes the largest reply frame in UTF-16 chars, as the outbox counts; see {@link #replyBound}
 */
public record HistoryLimits(int threads, int maxQueued, Duration timeout, long maxReplyBytes) {

    public static HistoryLimits from(Settings settings) {
        return new HistoryLimits(
                settings.integer("parley.history.threads", 4),
                settings.integer("parley.history.max-queued", 100),
                settings.millis("parley.history.timeout-ms", Duration.ofSeconds(5)),
                settings.number("parley.history.max-reply-bytes", 256L * 1024));
    }

    /**
     * The largest reply a connection whose outbox holds at most {@code outboxMaxBytes} gets: the setting, but never
     * more than half the outbox, so that the frames queued around a reply (its {@code joined}, live messages) have
     * the other half and a reply alone can never close its requester with 4008.
     */
    public long replyBound(long outboxMaxBytes) {
        return Math.min(maxReplyBytes, outboxMaxBytes / 2);
    }
}
