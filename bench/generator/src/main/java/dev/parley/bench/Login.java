package dev.parley.bench;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * A browser's FORM login, as the project's tests do it (src/test/java/dev/parley/testing/FormLogin.java): the
 * protected {@code /login?next=/}, the container's form, {@code j_security_check}; the client then carries the
 * session cookie.
 */
final class Login {

    final CookieManager cookies = new CookieManager();
    final HttpClient http;

    private Login() {
        http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    static Login as(URI root, String user, String password) throws Exception {
        Login login = new Login();
        URI asked = root.resolve("login?next=/");
        HttpResponse<String> form = login.get(asked);
        for (int hop = 0; hop < 3 && form.statusCode() / 100 == 3; hop++) { // Liberty redirects to its form
            asked = asked.resolve(form.headers().firstValue("Location").orElseThrow());
            form = login.get(asked);
        }
        if (form.statusCode() != 200 || !form.body().contains("j_security_check")) {
            throw new IllegalStateException("GET /login did not show the login form: " + form.statusCode());
        }
        String body = "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> posted = login.http.send(
                HttpRequest.newBuilder(root.resolve("j_security_check"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (posted.statusCode() / 100 != 3) { // success sends the browser back to /login?next=/
            throw new IllegalStateException("the login of " + user + " failed: " + posted.statusCode());
        }
        login.get(root.resolve(posted.headers().firstValue("Location").orElseThrow()));
        return login;
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code Cookie} header a WebSocket handshake of this session carries. */
    String cookie() {
        return cookies.getCookieStore().getCookies().stream()
                .map(HttpCookie::toString)
                .collect(Collectors.joining("; "));
    }
}
