package dev.parley.web.boundary;

import dev.parley.metrics.Metrics;
import dev.parley.settings.Settings;
import dev.parley.web.control.LoginSettings;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * Gives every HTTP session the timeout {@code parley.session.timeout-s}: a setting like every other limit (web.xml's
 * {@code session-timeout} counts whole minutes and cannot be changed without rebuilding the WAR). Counts the
 * sessions for {@code /api/metrics} ({@code parley_http_sessions}): when a timed-out session is gone depends on the
 * server's reaper, and looking at a session over HTTP would keep it alive.
 */
@WebListener
public class SessionTimeout implements HttpSessionListener {

    private final int timeoutSeconds = (int) Math.min(
            Integer.MAX_VALUE,
            LoginSettings.from(Settings.fromEnvironment()).sessionTimeout().toSeconds());

    @Inject
    Metrics metrics;

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        event.getSession().setMaxInactiveInterval(timeoutSeconds);
        metrics.httpSessionCreated();
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        metrics.httpSessionDestroyed();
    }
}
