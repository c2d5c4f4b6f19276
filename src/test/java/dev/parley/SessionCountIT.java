package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.FormLogin;
import dev.parley.testing.JmxConsole;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import dev.parley.testing.RealmUsers;
import dev.parley.testing.ServerMetrics;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parley's own count of its HTTP sessions ({@code parley_http_sessions}, which {@code LoginSessionIT} waits on) against
 * the server's: WildFly's management model over JMX, for a login, its timeout ({@code parley.session.timeout-s} =
 * 10 s: the login ends with it) and a logout. WildFly only (the other profiles exclude it): that count is WildFly's.
 */
class SessionCountIT {

    static final int TIMEOUT_S = 10;
    static final Duration EXPIRY_SEEN = Duration.ofSeconds(TIMEOUT_S * 4L);
    static final String SESSIONS = "jboss.as:deployment=parley.war,subsystem=undertow";
    static final String USER = "counted";
    static final String PASSWORD = "counted-Secret-1";

    @RegisterExtension
    static final OwnServer server = OwnServer.with("session-count", "-Dparley.session.timeout-s=" + TIMEOUT_S)
            .withUser(USER, PASSWORD);

    @Test
    void parleyCountsTheSessionsWildFlyHolds() throws Exception {
        int offset = Integer.parseInt(System.getProperty("parley.it.port-offset", "0")) + 100;
        server.process();
        try (JmxConsole jmx = JmxConsole.wildFly(offset, RealmUsers.JMX, RealmUsers.JMX_PASSWORD)) {
            FormLogin first = FormLogin.as(server.base().toURI(), USER, PASSWORD);
            assertTrue(first.succeeded, "the FORM login failed");
            assertEquals(1, activeSessions(jmx), "WildFly's sessions after one login");
            assertEquals(1, parleySessions(), "Parley's sessions after one login");
            Poll.until(EXPIRY_SEEN, () -> activeSessions(jmx), count -> count == 0, count -> count + " sessions");
            assertEquals(0, parleySessions(), "Parley's sessions once WildFly's timed out");

            FormLogin login = FormLogin.as(server.base().toURI(), USER, PASSWORD);
            assertTrue(login.succeeded, "the second FORM login failed");
            assertEquals(1, parleySessions(), "Parley's sessions after a new login");
            login.http.send(
                    HttpRequest.newBuilder(server.base().toURI().resolve("logout"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(0, activeSessions(jmx), "WildFly's sessions after the logout");
            assertEquals(0, parleySessions(), "Parley's sessions after the logout");
            assertEquals(
                    200,
                    first.http
                            .send(
                                    HttpRequest.newBuilder(server.base().toURI().resolve("login?next=/"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode(),
                    "the login outlived its session: /login did not show the login form");
        }
    }

    private static long parleySessions() {
        return ServerMetrics.value(server.base(), "parley_http_sessions");
    }

    private static int activeSessions(JmxConsole jmx) {
        return ((Number) jmx.attribute(SESSIONS, "activeSessions")).intValue();
    }
}
