package dev.parley.admin.boundary;

import dev.parley.web.control.LoginThrottle;
import jakarta.inject.Inject;
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
 * neither gets 401 with {@code WWW-Authenticate: Basic}. A user without the role {@code chat-admin} gets 403. A
 * failed Basic login counts against the client's address ({@link LoginThrottle}); beyond the limit the answer is 429
 * before the credentials are looked at.
 *
 * <p>Another site can make a browser send what it holds for Parley: the session cookie, and Basic credentials the
 * browser cached after its own login dialog. It cannot add a header of its own without a CORS preflight, which Parley
 * never grants. So every mutating call must prove that it comes from Parley's page or from a script: a call of the
 * page's FORM session carries the session's CSRF token in {@value #CSRF_HEADER} (from {@code GET
 * /api/admin/session}); a Basic call carries that header with any value, or {@code Sec-Fetch-Site: same-origin}. The
 * page sends that header on every call, and then a 401 comes without {@code WWW-Authenticate}, so the browser does
 * not pop up its own login dialog.
 */
@WebFilter(urlPatterns = "/api/admin/*")
public class AdminGate extends HttpFilter {

    public static final String ROLE = "chat-admin";
    public static final String CSRF_HEADER = "X-Parley-CSRF";
    static final String CSRF_ATTRIBUTE = "dev.parley.admin.csrf";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    LoginThrottle throttle;

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
            String address = request.getRemoteAddr();
            if (throttle.refuses(address)) {
                refuse(response, 429, "too many failed logins from " + address + "; retry later");
                return;
            }
            try {
                request.login(credentials[0], credentials[1]);
                byBasic = true;
            } catch (ServletException refused) {
                throttle.failed(address, credentials[0], "basic");
                unauthorized(request, response, "wrong user name or password");
                return;
            }
        }
        try {
            if (!request.isUserInRole(ROLE)) {
                refuse(response, HttpServletResponse.SC_FORBIDDEN, "only the role chat-admin may administer Parley");
            } else if (!SAFE_METHODS.contains(request.getMethod())
                    && !(byBasic ? sameOriginShown(request) : csrfTokenMatches(request))) {
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

    /** A Basic call's proof that no other site sent it: see the class comment. */
    static boolean sameOriginShown(HttpServletRequest request) {
        return request.getHeader(CSRF_HEADER) != null || "same-origin".equals(request.getHeader("Sec-Fetch-Site"));
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
