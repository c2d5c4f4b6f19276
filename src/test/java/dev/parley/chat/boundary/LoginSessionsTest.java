package dev.parley.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.control.ChatFixture;
import dev.parley.chat.control.Connection;
import dev.parley.chat.control.RecordingSink;
import dev.parley.chat.entity.Identity;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoginSessionsTest {

    ChatFixture chat = new ChatFixture();
    LoginSessions cut = new LoginSessions();

    {
        cut.users = chat.users;
    }

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void aChatWhoseHandshakeOvertookTheLogoutIsNotLeftOpen() {
        FakeSession login = new FakeSession("s-1", 1800);
        cut.sessionDestroyed(new HttpSessionEvent(login.proxy()));
        Connection late = chat.connection(new Identity("carol", true), new RecordingSink());

        assertFalse(LoginSessions.opened(login.proxy(), "s-1", chat.users, late));
        assertTrue(chat.users.loginEnded("s-1").isDone(), "the refused connection stayed bound to the login");
    }

    @Test
    void anInvalidatedSessionIsAnEndedLogin() {
        FakeSession login = new FakeSession("s-2", 1800);
        login.invalid = true;
        Connection late = chat.connection(new Identity("carol", true), new RecordingSink());
        assertFalse(LoginSessions.opened(login.proxy(), "s-2", chat.users, late));
    }

    @Test
    void anOpenChatKeepsItsSessionFromTimingOutUntilItsLastChatCloses() {
        FakeSession login = new FakeSession("s-3", 1800);
        Connection first = chat.connection(new Identity("carol", true), new RecordingSink());
        Connection second = chat.connection(new Identity("carol", true), new RecordingSink());

        assertTrue(LoginSessions.opened(login.proxy(), "s-3", chat.users, first));
        assertTrue(LoginSessions.opened(login.proxy(), "s-3", chat.users, second));
        assertEquals(-1, login.maxInactive);
        LoginSessions.closed(login.proxy(), "s-3", chat.users, first);
        assertEquals(-1, login.maxInactive, "one chat is still open");
        LoginSessions.closed(login.proxy(), "s-3", chat.users, second);
        assertTrue(login.maxInactive >= 1800, "the timeout back, counted from the last request: " + login.maxInactive);
        assertFalse(login.attributes.containsKey(LoginSessions.KEPT_FROM));
    }

    /** An HttpSession as the container holds it: attributes, a timeout, and invalid after invalidate(). */
    static final class FakeSession {
        final String id;
        final Map<String, Object> attributes = new HashMap<>();
        int maxInactive;
        boolean invalid;
        final long lastAccessed = System.currentTimeMillis();

        FakeSession(String id, int maxInactive) {
            this.id = id;
            this.maxInactive = maxInactive;
        }

        HttpSession proxy() {
            return (HttpSession) Proxy.newProxyInstance(
                    HttpSession.class.getClassLoader(), new Class<?>[] {HttpSession.class}, (self, method, args) -> {
                        if (invalid && !method.getName().equals("getId")) {
                            throw new IllegalStateException("invalidated");
                        }
                        return switch (method.getName()) {
                            case "getId" -> id;
                            case "getAttribute" -> attributes.get((String) args[0]);
                            case "setAttribute" -> attributes.put((String) args[0], args[1]);
                            case "removeAttribute" -> attributes.remove((String) args[0]);
                            case "getMaxInactiveInterval" -> maxInactive;
                            case "setMaxInactiveInterval" -> {
                                maxInactive = (Integer) args[0];
                                yield null;
                            }
                            case "getLastAccessedTime" -> lastAccessed;
                            default -> throw new UnsupportedOperationException(method.getName());
                        };
                    });
        }
    }
}
