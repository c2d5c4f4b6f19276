package dev.parley.web.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Where the page sends a user who must log in. web.xml requires an authenticated user here, so the container shows
 * its FORM login first; once logged in, the user has an HTTP session and goes back to the page (or to {@code next}, a
 * path on this server).
 */
@WebServlet("/login")
public class Login extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The login's HTTP session, which its chats are bound to (logout and a session's end close them with 4001).
        // WildFly and Payara keep the FORM login in a session already; Open Liberty keeps it in its LtpaToken2 cookie
        // and made no session, so a chat had none to be bound to and stayed open after Log out.
        request.getSession(true);
        response.sendRedirect(request.getContextPath() + localPath(request.getParameter("next")));
    }

    /** Only a path on this server: an open redirect would let a link send a user from the login to another site. */
    static String localPath(String next) {
        if (next == null
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return next;
    }
}
