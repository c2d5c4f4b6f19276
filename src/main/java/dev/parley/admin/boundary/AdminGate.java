package dev.parley.admin.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;

/**
 * Who may use {@code /api/admin}. A WAR has one login-config, FORM for the pages; REST clients get Basic here
 * instead: without a logged-in session, {@code Authorization: Basic} credentials are checked against the server's
 * realm with {@link HttpServletRequest#login} (and logged out after the call, nothing is kept), and a request with
 * neither gets 401 with {@code WWW-Authenticate: Basic}. A user without the role {@code chat-admin} gets 403.
 *
 * <p>The admin page calls with its FORM session, so a mutating call must also carry the session's CSRF token in
 * {@value #CSRF_HEADER} (from {@code GET /api/admin/session}): another site can make a browser send the cookie, not
 * the header. The page sends that header on every call, and then a 401 comes without {@code WWW-Authenticate}, so the
 * browser does not pop up its own login dialog.
 */
@WebFilter(urlPatterns = "/api/admin/*")
public class AdminGate extends HttpFilter {

    public static final String ROLE = "chat-admin";
    public static final String CSRF_HEADER = "X-Parley-CSRF";
    static final String CSRF_ATTRIBUTE = "dev.parley.admin.csrf";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean byBasic = false;
        if (request.getUserPrincipal() == null) {
            String[] credentials = basicCredentials(request.getHeader("Authorization"));
            if (credentials == null) {
                unauthorized(request, response, "log in: Basic credentials of a chat-admin user");
                return;
            }
            try {
                request.login(credentials[0], credentials[1]);
                byBasic = true;
            } catch (ServletException refused) {
                unauthorized(request, response, "wrong user name or password");
                return;
            }
        }
        try {
            if (!request.isUserInRole(ROLE)) {
                refuse(response, HttpServletResponse.SC_FORBIDDEN, "only the role chat-admin may administer Parley");
            } else if (!byBasic && !SAFE_METHODS.contains(request.getMethod()) && !csrfTokenMatches(request)) {
                refuse(
                        response,
                        HttpServletResponse.SC_FORBIDDEN,
                        "the " + CSRF_HEADER + " header is missing or stale");
            } else {
                chain.doFilter(request, response);
            }
        } finally {
            if (byBasic) {
                request.logout();
            }
        }
    }

    /** The session's CSRF token, made on first use. */
    static String csrfToken(HttpSession session) {
        synchronized (session) {
            Object token = session.getAttribute(CSRF_ATTRIBUTE);
            if (token instanceof String existing) {
                return existing;
            }
            byte[] bytes = new byte[24];
            new java.security.SecureRandom().nextBytes(bytes);
            String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(CSRF_ATTRIBUTE, fresh);
            return fresh;
        }
    }

    private static boolean csrfTokenMatches(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        String sent = request.getHeader(CSRF_HEADER);
        Object expected = session == null ? null : session.getAttribute(CSRF_ATTRIBUTE);
        return sent != null
                && expected instanceof String token
                && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded =
                    new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon <= 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response, String message)
            throws IOException {
        if (request.getHeader(CSRF_HEADER) == null) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"Parley\", charset=\"UTF-8\"");
        }
        refuse(response, HttpServletResponse.SC_UNAUTHORIZED, message);
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter()
                .write(jakarta.json.Json.createObjectBuilder()
                        .add("error", message)
                        .build()
                        .toString());
    }
}
