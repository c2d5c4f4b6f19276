package dev.parley.web.control;

import dev.parley.settings.Settings;
import java.time.Duration;

/**
 * The settings of logins (settings document).
 *
 * @param failuresPerAddress how many failed logins one address may make in {@code failureWindow}; beyond that its
 *                           logins are refused without checking the credentials until the window ends
 * @param failureWindow      how long failed logins are counted from the first one
 * @param sessionTimeout     how long a login's HTTP session lives without a request while no chat of it is open
 */
public record LoginSettings(int failuresPerAddress, Duration failureWindow, Duration sessionTimeout) {

    public static LoginSettings from(Settings settings) {
        return new LoginSettings(
                Math.max(1, settings.integer("parley.logins.failures-per-address", 10)),
                Duration.ofSeconds(Math.max(1, settings.integer("parley.logins.failure-window-s", 300))),
                Duration.ofSeconds(Math.max(1, settings.integer("parley.session.timeout-s", 1800))));
    }
}
