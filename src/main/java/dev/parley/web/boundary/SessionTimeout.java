package dev.parley.web.boundary;

import dev.parley.settings.Settings;
import dev.parley.web.control.LoginSettings;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * Gives every HTTP session the timeout {@code parley.session.timeout-s}: a setting like every other limit (web.xml's
 * {@code session-timeout} counts whole minutes and cannot be changed without rebuilding the WAR).
 */
@WebListener
public class SessionTimeout implements HttpSessionListener {

    private final int timeoutSeconds = (int) Math.min(
            Integer.MAX_VALUE,
            LoginSettings.from(Settings.fromEnvironment()).sessionTimeout().toSeconds());

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        event.getSession().setMaxInactiveInterval(timeoutSeconds);
    }
}
