package dev.parley.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A browser's FORM login: the protected /login, the container's form, j_security_check, back to the page. */
public final class FormLogin {

    public final CookieManager cookies = new CookieManager();
    public final HttpClient http = Http.builder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    public boolean succeeded;
    /** Every {@code Set-Cookie} the server sent during the login, in order (the cookie store keeps no SameSite). */
    public final List<String> setCookies = new ArrayList<>();

    public static FormLogin as(URI root, String user, String password) throws Exception {
        FormLogin login = new FormLogin();
        // WildFly shows the form in place of /login; Open Liberty redirects the browser to it
        URI asked = root.resolve("login?next=/");
        HttpResponse<String> form = login.send(HttpRequest.newBuilder(asked).build());
        for (int hop = 0; hop < 3 && form.statusCode() / 100 == 3; hop++) {
            asked = asked.resolve(form.headers().firstValue("Location").orElseThrow());
            form = login.send(HttpRequest.newBuilder(asked).build());
        }
        assertEquals(200, form.statusCode(), "GET /login shows the login form");
        assertTrue(form.body().contains("j_security_check"), form::body);
        String body = "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> posted = login.send(HttpRequest.newBuilder(root.resolve("j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        // success: back to the page that asked (/login?next=/), which sends the browser on to /
        URI next = root;
        HttpResponse<String> response = posted;
        for (int hop = 0; hop < 3 && response.statusCode() / 100 == 3; hop++) {
            next = next.resolve(response.headers().firstValue("Location").orElseThrow());
            response = login.send(HttpRequest.newBuilder(next).build());
        }
        login.succeeded = response.statusCode() == 200
                && next.getPath().equals("/")
                && response.body().contains("id=\"composer\"");
        return login;
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        setCookies.addAll(response.headers().allValues("Set-Cookie"));
        return response;
    }

    public String cookies() {
        return cookies.getCookieStore().getCookies().stream()
                .map(HttpCookie::toString)
                .collect(Collectors.joining("; "));
    }
}
