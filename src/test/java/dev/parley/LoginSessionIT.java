package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.FormLogin;
import dev.parley.testing.JmxConsole;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import dev.parley.testing.RealmUsers;
import java.net.HttpCookie;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP session of a login while its chat is open, on a server whose sessions time out after
 * {@code parley.session.timeout-s} = 10 s: a login without a chat times out, a login with an open chat stays (its chat
 * gets no 4001) and times out only after its chat has closed. The sessions are counted by WildFly's own management
 * model over JMX (looking at a session through HTTP would keep it alive). WildFly only (the other profiles exclude
 * it): that count is WildFly's.
 */
class LoginSessionIT {

    static final int TIMEOUT_S = 10;
    static final Duration EXPIRY_SEEN = Duration.ofSeconds(TIMEOUT_S * 4L);
    static final String SESSIONS = "jboss.as:deployment=parley.war,subsystem=undertow";

    @RegisterExtension
    static final OwnServer server = OwnServer.with("login-session", "-Dparley.session.timeout-s=" + TIMEOUT_S);

    @Test
    void anOpenChatKeepsItsLoginAndTheCookieIsHttpOnlyAndSameSite() throws Exception {
        FormLogin chatting = FormLogin.as(server.base().toURI(), RealmUsers.CHATTER, RealmUsers.CHATTER_PASSWORD);
        assertTrue(chatting.succeeded, "the FORM login failed");
        HttpCookie session = chatting.cookies.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("JSESSIONID"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JSESSIONID in " + chatting.cookies()));
        assertTrue(session.isHttpOnly(), "JSESSIONID without HttpOnly");

        int offset = Integer.parseInt(System.getProperty("parley.it.port-offset", "0")) + 100;
        // the chat first: the login must not time out before it connects
        try (ChatClient chat = ChatClient.welcomed(ChatClient.connect(
                        ChatClient.chatUri(server.base(), ""), Map.of("Cookie", chatting.cookies())));
                JmxConsole jmx = JmxConsole.wildFly(offset, RealmUsers.JMX, RealmUsers.JMX_PASSWORD)) {
            FormLogin idle = FormLogin.as(server.base().toURI(), RealmUsers.ADMIN, RealmUsers.ADMIN_PASSWORD);
            assertTrue(idle.succeeded, "the second FORM login failed");
            assertTrue(activeSessions(jmx) >= 2, "two logins, two sessions at least");
            // the idle login was made after the chatting one: once every session but one has timed out, so would
            // the chatting one have
            Poll.until(EXPIRY_SEEN, () -> activeSessions(jmx), count -> count == 1, count -> count + " sessions");

            String room = unique("kept");
            chat.join(room);
            chat.post(room, "still logged in");
            assertFalse(chat.isClosed(), "the chat was closed");
            assertTrue(loggedIn(chatting), "the chat's login ended");

            chat.close();
            Poll.until(EXPIRY_SEEN, () -> activeSessions(jmx), count -> count == 0, count -> count + " sessions");
        }
        assertFalse(loggedIn(chatting), "the login outlived its chat by more than its timeout");
        String setCookie = setCookieOfLogin();
        assertTrue(setCookie.contains("SameSite=Lax") && setCookie.contains("HttpOnly"), setCookie);
    }

    private String setCookieOfLogin() throws Exception {
        FormLogin login = new FormLogin();
        HttpResponse<String> form = login.http.send(
                HttpRequest.newBuilder(server.base().toURI().resolve("login?next=/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return String.join(" | ", form.headers().allValues("Set-Cookie"));
    }

    /** /login sends a logged-in user on (302); a user who is not is shown the login form. */
    private boolean loggedIn(FormLogin login) throws Exception {
        HttpResponse<String> asked = login.http.send(
                HttpRequest.newBuilder(server.base().toURI().resolve("login?next=/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return asked.statusCode() == 302 && !asked.body().contains("j_security_check");
    }

    private static int activeSessions(JmxConsole jmx) {
        return ((Number) jmx.attribute(SESSIONS, "activeSessions")).intValue();
    }
}
