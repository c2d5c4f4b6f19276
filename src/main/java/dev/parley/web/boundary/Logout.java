package dev.parley.web.boundary;

import dev.parley.chat.control.Users;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends the login and the HTTP session; POST only, so a link or an image elsewhere cannot log a user out.
 * <p>
 * The chat connections opened with this login are closed with 4001 first (bounded wait): invalidating the session
 * makes the container close them itself with 1008, as Jakarta WebSocket requires, and a client could not tell that
 * from any other policy close. An expired session gets the container's 1008 (or Parley's 4001, whichever is first).
 */
@WebServlet("/logout")
public class Logout extends HttpServlet {

    static final long CHAT_CLOSE_WAIT_MS = 2_000;

    @Inject
    Users users;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                users.loginEnded(session.getId()).get(CHAT_CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException slow) {
                // the container closes what is left when the session goes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        request.logout();
        // Open Liberty's logout() has invalidated the session already, and invalidating it again throws: the browser
        // got a 500 page instead of the redirect. WildFly's logout() leaves the session to the application.
        HttpSession left = request.getSession(false);
        if (left != null) {
            left.invalidate();
        }
        response.sendRedirect(request.getContextPath() + "/");
    }
}
