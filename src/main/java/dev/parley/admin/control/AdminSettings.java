package dev.parley.admin.control;

import dev.parley.settings.Settings;
import java.time.Duration;

/**
 * The settings of administration, read once at startup (src/site/markdown/settings.md).
 *
 * @param rateWindow over how long {@code MessagesPerSecond} is averaged
 * @param auditShown how many audit rows {@code GET /api/admin/audit} returns at most
 */
public record AdminSettings(Duration rateWindow, int auditShown) {

    public static AdminSettings from(Settings settings) {
        return new AdminSettings(
                Duration.ofSeconds(Math.max(1, settings.integer("parley.admin.rate-window-s", 10))),
                Math.max(1, settings.integer("parley.admin.audit-shown", 500)));
    }
}
