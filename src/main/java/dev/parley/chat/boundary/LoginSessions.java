package dev.parley.chat.boundary;

import dev.parley.chat.control.Connection;
import dev.parley.chat.control.Users;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * A login lives in its HTTP session; when that session ends (logout invalidates it, or it expires), the WebSocket
 * connections opened with it are closed with 4001, so a logged-out user is not left chatting under the name.
 *
 * <p>A chat makes no HTTP requests once connected, so while one is open the session would time out under the user,
 * whose every tab would then be closed with 4001. Instead, the session does not time out while a chat of it is open
 * (it is given {@code -1}, no timeout, and its own timeout back, counted from its last request, when its last chat
 * closes): a user who keeps the chat open stays logged in until logging out.
 */
@WebListener
public class LoginSessions implements HttpSessionListener {

    /** Session attribute: the login has ended (set while the container ends the session). */
    static final String ENDED = "dev.parley.login-ended";
    /** Session attribute: the session's own timeout (seconds) while an open chat keeps it. */
    static final String KEPT_FROM = "dev.parley.kept-from";

    @Inject
    Users users;

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        HttpSession session = event.getSession();
        try {
            session.setAttribute(ENDED, Boolean.TRUE);
        } catch (IllegalStateException alreadyInvalid) {
            // opened() sees an invalid session as ended all the same
        }
        users.loginEnded(session.getId());
    }

    /**
     * Binds a chat connection to its login's session.
     *
     * @return false if the login has ended meanwhile: a handshake that was on its way during the logout must not
     *     leave a connection behind, and the session's end may have closed the login's connections before this one
     *     was bound
     */
    static boolean opened(HttpSession login, String loginSession, Users users, Connection connection) {
        users.bindLoginSession(loginSession, connection, () -> keep(login));
        if (ended(login)) {
            users.unbindLoginSession(loginSession, connection);
            return false;
        }
        return true;
    }

    static void closed(HttpSession login, String loginSession, Users users, Connection connection) {
        users.unbindLoginSession(loginSession, connection, () -> release(login));
    }

    /** Read after binding: the end of the session either saw the binding, or set this mark before it (or both). */
    static boolean ended(HttpSession login) {
        try {
            return login.getAttribute(ENDED) != null;
        } catch (IllegalStateException invalidated) {
            return true;
        }
    }

    private static void keep(HttpSession login) {
        try {
            login.setAttribute(KEPT_FROM, login.getMaxInactiveInterval());
            login.setMaxInactiveInterval(-1);
        } catch (IllegalStateException invalidated) {
            // ended() refuses the connection
        }
    }

    private static void release(HttpSession login) {
        try {
            if (login.getAttribute(KEPT_FROM) instanceof Integer timeout && timeout > 0) {
                long idleSeconds = Math.max(0, (System.currentTimeMillis() - login.getLastAccessedTime()) / 1000);
                // servers count the timeout from the last request (Payara, Liberty) or from this call (WildFly)
                login.setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE, timeout + idleSeconds));
            }
            login.removeAttribute(KEPT_FROM);
        } catch (IllegalStateException invalidated) {
            // nothing to give back
        }
    }
}
