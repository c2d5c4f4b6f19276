package dev.parley.chat.boundary;

import dev.parley.chat.control.Users;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * A login lives in its HTTP session; when that session ends (logout invalidates it, or it expires), the WebSocket
 * connections opened with it are closed with 4001, so a logged-out user is not left chatting under the name.
 */
@WebListener
public class LoginSessions implements HttpSessionListener {

    @Inject
    Users users;

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        users.loginEnded(event.getSession().getId());
    }
}
