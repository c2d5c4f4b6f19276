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
 * @param uploadsAtOnce      uploads this node judges and stores at the same time (each holds a file's bytes in
 *                           memory); more are answered 503 at once, so that uploads cannot hold the memory chat needs
 * @param uploadsAtOncePerUser uploads one user may have on their way in to this node at once (the container reads a
 *                           slow one for as long as it lasts): a user trickling bytes holds no one else up
 * @param downloadsAtOnce    downloads this node serves at the same time (each holds a file's bytes in memory until
 *                           its client has read them); more are answered 503 at once
 * @param maxImagePixels     an image of more pixels (width times height) is refused: its bytes are few, but a browser
 *                           decoding it would need gigabytes
 * @param unpostedAfter      an upload that no message carries after this long is removed
 * @param sweepInterval      how often such uploads are looked for
 * @param inDirectory        whether new uploads' bytes go to {@code directory} (else to the database): by default
 *                           they do, but in cluster mode, where a node's own directory is no other node's
 * @param directory          where, when set; else the server's data directory, beside the embedded database
 */
public record FileSettings(
        long maxBytes,
        int maxPerMessage,
        long quotaBytesPerUser,
        int uploadsPerUserPerHour,
        int uploadsAtOnce,
        int uploadsAtOncePerUser,
        int downloadsAtOnce,
        long maxImagePixels,
        Duration unpostedAfter,
        Duration sweepInterval,
        boolean inDirectory,
        String directory) {

    static final String DIRECTORY = "directory";
    static final String DATABASE = "database";

    public static FileSettings from(Settings settings) {
        return new FileSettings(
                settings.number("parley.files.max-bytes", 10L * 1024 * 1024),
                settings.integer("parley.files.max-per-message", 10),
                settings.number("parley.files.quota-bytes-per-user", 500L * 1024 * 1024),
                settings.integer("parley.files.uploads-per-user-per-hour", 200),
                settings.integer("parley.files.uploads-at-once", 4),
                settings.integer("parley.files.uploads-at-once-per-user", 2),
                settings.integer("parley.files.downloads-at-once", 16),
                settings.number("parley.files.max-image-pixels", 40_000_000L),
                settings.millis("parley.files.unposted-ttl-ms", Duration.ofHours(1)),
                settings.millis("parley.files.sweep-interval-ms", Duration.ofMinutes(5)),
                storedInDirectory(settings),
                settings.text("parley.files.directory", ""));
    }

    private static boolean storedInDirectory(Settings settings) {
        boolean clustered = !settings.text("parley.cluster.redis-url", "").isEmpty();
        String store = settings.text("parley.files.store", clustered ? DATABASE : DIRECTORY);
        if (!store.equals(DIRECTORY) && !store.equals(DATABASE)) {
            throw new IllegalArgumentException(
                    "parley.files.store is " + DIRECTORY + " or " + DATABASE + ", not " + store);
        }
        return store.equals(DIRECTORY);
    }
}
