package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.FormLogin;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import dev.parley.testing.ServerMetrics;
import java.net.HttpCookie;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP session of a login while its chat is open, on a server whose sessions time out after
 * {@code parley.session.timeout-s} = 10 s: a login's session without a chat times out, a login's session with an open
 * chat stays (its chat gets no 4001, the login holds) and times out only after its chat has closed. The sessions are
 * counted by {@code parley_http_sessions} in {@code /api/metrics}, which Parley's session listener keeps: looking at a
 * session over HTTP would keep it alive, and when the server removes a timed-out session depends on its reaper
 * (WildFly at once, Payara once a minute, Open Liberty every 30 s as its shipped parley.xml says). On every server,
 * with two users of the server's own realm ({@link OwnServer#withUser}). {@code SessionCountIT} (WildFly) checks the
 * count against the server's own and that the login ends with its session: on Open Liberty the login is its
 * LtpaToken2 cookie, which outlives the session (security.md).
 */
class LoginSessionIT {

    static final int TIMEOUT_S = 10;
    /** The timeout plus the slowest reaper (Payara's, once a minute) and slack for a loaded machine. */
    static final Duration EXPIRY_SEEN = Duration.ofSeconds(TIMEOUT_S + 150L);

    static final String CHATTER = "session-chatter";
    static final String IDLE = "session-idle";
    static final String PASSWORD = "session-Secret-1";

    @RegisterExtension
    static final OwnServer server = OwnServer.with("login-session", "-Dparley.session.timeout-s=" + TIMEOUT_S)
            .withUser(CHATTER, PASSWORD)
            .withUser(IDLE, PASSWORD);

    @Test
    void anOpenChatKeepsItsLoginAndTheCookieIsHttpOnlyAndSameSite() throws Exception {
        FormLogin chatting = FormLogin.as(server.base().toURI(), CHATTER, PASSWORD);
        assertTrue(chatting.succeeded, "the FORM login failed");
        HttpCookie session = chatting.cookies.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("JSESSIONID"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JSESSIONID in " + chatting.cookies()));
        assertTrue(session.isHttpOnly(), "JSESSIONID without HttpOnly");

        // the chat first: the login must not time out before it connects
        try (ChatClient chat = ChatClient.welcomed(
                ChatClient.connect(ChatClient.chatUri(server.base(), ""), Map.of("Cookie", chatting.cookies())))) {
            FormLogin idle = FormLogin.as(server.base().toURI(), IDLE, PASSWORD);
            assertTrue(idle.succeeded, "the second FORM login failed");
            assertTrue(sessions() >= 2, "two logins, two sessions at least");
            // the idle login was made after the chatting one: once every session but one has timed out and been
            // removed, so would the chatting one have been, and its chat closed with 4001 (before issue #14)
            Poll.until(EXPIRY_SEEN, LoginSessionIT::sessions, count -> count == 1, count -> count + " sessions");

            String room = unique("kept");
            chat.join(room);
            chat.post(room, "still logged in");
            assertFalse(chat.isClosed(), "the chat was closed");
            assertTrue(loggedIn(chatting), "the chat's login ended");

            chat.close();
            Poll.until(EXPIRY_SEEN, LoginSessionIT::sessions, count -> count == 0, count -> count + " sessions");
        }
        // the session cookie as sent: WildFly and Payara set it with the login form, Open Liberty once /login made it
        String setCookie = chatting.setCookies.stream()
                .filter(cookie -> cookie.startsWith("JSESSIONID="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JSESSIONID set in " + chatting.setCookies));
        // attribute names and values are case-insensitive: Payara writes SameSite=lax
        String attributes = setCookie.toLowerCase(Locale.ROOT);
        assertTrue(attributes.contains("; samesite=lax") && attributes.contains("; httponly"), setCookie);
    }

    private static long sessions() {
        return ServerMetrics.value(server.base(), "parley_http_sessions");
    }

    /** /login sends a logged-in user on (302); a user who is not is shown the login form. */
    private boolean loggedIn(FormLogin login) throws Exception {
        HttpResponse<String> asked = login.http.send(
                HttpRequest.newBuilder(server.base().toURI().resolve("login?next=/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return asked.statusCode() == 302 && !asked.body().contains("j_security_check");
    }
}
