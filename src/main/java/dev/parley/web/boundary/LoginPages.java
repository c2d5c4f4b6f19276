package dev.parley.web.boundary;

import dev.parley.web.control.LoginThrottle;
import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * web.xml's form-login-page ({@code /login-form}) and form-error-page ({@code /login-failed}). The container
 * forwards a failed FORM login to the error page with the form's parameters, so the failure is counted against the
 * client's address ({@link LoginThrottle}); only a forward counts, as another site could send a browser here
 * directly and lock its address out. An address over the limit gets 429 instead of either form.
 *
 * <p>The servers check the POST to {@code j_security_check} before any filter of the application runs, so a
 * password guesser who posts there directly is not stopped here: WildFly's realm locks a user name out after 10
 * failed logins itself (Elytron's brute-force mitigation). Open Liberty redirects to the error page instead of
 * forwarding, so its failed FORM logins are not counted here.
 */
@WebServlet({LoginPages.FORM, LoginPages.FAILED})
public class LoginPages extends HttpServlet {

    static final String FORM = "/login-form";
    static final String FAILED = "/login-failed";

    @Inject
    LoginThrottle throttle;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String address = request.getRemoteAddr();
        boolean failed = FAILED.equals(request.getServletPath());
        if (failed && request.getDispatcherType() == DispatcherType.FORWARD) {
            throttle.failed(address, request.getParameter("j_username"), "form");
        }
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        if (throttle.refuses(address)) {
            response.setStatus(429);
            response.getWriter()
                    .write("<!DOCTYPE html><title>Parley</title><p>Too many failed logins from this address: try again"
                            + " later.</p>\n");
            return;
        }
        try (InputStream page =
                getServletContext().getResourceAsStream(failed ? "/login-failed.html" : "/login.html")) {
            page.transferTo(response.getOutputStream());
        }
    }
}
