package dev.parley.chat.entity;

import dev.parley.settings.Settings;
import java.time.Duration;

/**
 * The bounds of files (the files extension), read once at startup (settings document): chat judges a {@code say} by
 * them, the upload endpoint an upload, the archive a user's quota.
 *
 * @param maxBytes           the largest upload taken
 * @param maxPerMessage      the most files one message carries
 * @param quotaBytesPerUser  what one user's files may take in all, posted or not
 * @param uploadsPerUserPerHour uploads one user may start in an hour (all at once if saved up)
 * @param uploadsAtOnce      uploads this node takes at the same time; more are answered 503 at once, so that uploads
 *                           cannot hold the server's threads and memory that chat needs
 * @param maxImagePixels     an image of more pixels (width times height) is refused: its bytes are few, but a browser
 *                           decoding it would need gigabytes
 * @param unpostedAfter      an upload that no message carries after this long is removed
 * @param sweepInterval      how often such uploads are looked for
 */
public record FileSettings(
        long maxBytes,
        int maxPerMessage,
        long quotaBytesPerUser,
        int uploadsPerUserPerHour,
        int uploadsAtOnce,
        long maxImagePixels,
        Duration unpostedAfter,
        Duration sweepInterval) {

    public static FileSettings from(Settings settings) {
        return new FileSettings(
                settings.number("parley.files.max-bytes", 10L * 1024 * 1024),
                settings.integer("parley.files.max-per-message", 10),
                settings.number("parley.files.quota-bytes-per-user", 500L * 1024 * 1024),
                settings.integer("parley.files.uploads-per-user-per-hour", 200),
                settings.integer("parley.files.uploads-at-once", 4),
                settings.number("parley.files.max-image-pixels", 40_000_000L),
                settings.millis("parley.files.unposted-ttl-ms", Duration.ofHours(1)),
                settings.millis("parley.files.sweep-interval-ms", Duration.ofMinutes(5)));
    }
}
