package dev.parley.ops.control;

import dev.parley.settings.Settings;
import java.time.Duration;

/**
 * How the database is watched for {@code /api/health} (settings document).
 *
 * @param interval how often the database is asked
 * @param timeout  how long one question may take; an answer older than interval + timeout means down
 */
public record HealthSettings(Duration interval, Duration timeout) {

    public static HealthSettings from(Settings settings) {
        return new HealthSettings(
                settings.millis("parley.health.interval-ms", Duration.ofSeconds(1)),
                settings.millis("parley.health.timeout-ms", Duration.ofSeconds(2)));
    }
}
