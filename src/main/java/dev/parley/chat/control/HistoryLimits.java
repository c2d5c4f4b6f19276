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
 * @param charsPerAddressPerSecond the chars of replies one client address is sent a second, sustained
 * @param charsPerAddressBurst the same, saved up
 */
public record HistoryLimits(
        int threads,
        int maxQueued,
        Duration timeout,
        long maxReplyBytes,
        int charsPerAddressPerSecond,
        int charsPerAddressBurst) {

    public static HistoryLimits from(Settings settings) {
        return new HistoryLimits(
                settings.integer("parley.history.threads", 4),
                settings.integer("parley.history.max-queued", 100),
                settings.millis("parley.history.timeout-ms", Duration.ofSeconds(5)),
                settings.number("parley.history.max-reply-bytes", 256L * 1024),
                // a page that reconnects into its 50 rooms asks each for the messages it missed, one page of at most
                // 256 KiB per room at once: 13.1 M chars if every room is full of maximum-size messages. The burst
                // holds that first round; the rate is about 8 such pages a second after it
                settings.integer("parley.history.chars-per-address-per-second", 2_000_000),
                settings.integer("parley.history.chars-per-address-burst", 16_000_000));
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
