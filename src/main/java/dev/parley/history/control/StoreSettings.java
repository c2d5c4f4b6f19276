package dev.parley.history.control;

import dev.parley.settings.Settings;
import java.time.Duration;

/**
 * The settings of storing, read once at startup (settings document).
 *
 * @param maxBatch the most posts one transaction stores (group commit)
 * @param refWindow how long a stored {@code ref} makes a {@code say} idempotent
 * @param statementTimeout how long one query or row lock of the store may take
 */
public record StoreSettings(int maxBatch, Duration refWindow, Duration statementTimeout) {

    public static StoreSettings from(Settings settings) {
        return new StoreSettings(
                settings.integer("parley.store.max-batch", 64),
                Duration.ofHours(settings.integer("parley.ref.window-hours", 24)),
                settings.millis("parley.store.statement-timeout-ms", Duration.ofSeconds(10)));
    }
}
