package dev.parley.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client of Parley's admin REST API ({@code /api/admin/…}) as a script would use it: Basic credentials on every
 * request, or none; or as the admin page does: a FORM login session ({@link #formLogin}) plus the CSRF header.
 */
public final class AdminApi {

    /** The header a script sends with any value (administration.md), the page with its session's token. */
    public static final String SAME_ORIGIN_PROOF = "X-Parley-CSRF";

    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private AdminApi(URI base, String authorization, HttpClient http) {
        this.base = base;
        this.authorization = authorization;
        this.http = http;
    }

    private static HttpClient.Builder builder() {
        return Http.builder();
    }

    public static AdminApi anonymous(URL base) {
        return new AdminApi(URI.create(base.toString()), null, builder().build());
    }

    /** A script's client: Basic credentials, and the header that shows its calls come from no other site. */
    public static AdminApi basic(URL base, String user, String password) {
        return basicWithoutProof(base, user, password).header(SAME_ORIGIN_PROOF, "script");
    }

    /** Basic credentials alone, as a browser that cached them sends them with another site's form. */
    public static AdminApi basicWithoutProof(URL base, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new AdminApi(
                URI.create(base.toString()), "Basic " + token, builder().build());
    }

    public static AdminApi admin(URL base) {
        return basic(base, RealmUsers.ADMIN, RealmUsers.ADMIN_PASSWORD);
    }

    /** Logs in through the WAR's FORM login (the admin page's way); the session cookie rides on every request. */
    public static AdminApi formLogin(URL base, String user, String password) {
        HttpClient http = builder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        AdminApi api = new AdminApi(URI.create(base.toString()), null, http);
        api.send("GET", "admin/", null);
        String form = "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> login = api.exchange(HttpRequest.newBuilder(api.base.resolve("j_security_check"))
                .timeout(ChatClient.TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        if (login.statusCode() >= 400) {
            throw new AssertionError("FORM login of " + user + " answered " + login.statusCode());
        }
        return api;
    }

    /** Sends this header on every later request (e.g. the CSRF header). */
    public AdminApi header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public HttpResponse<String> get(String path) {
        return send("GET", "api/admin/" + path, null);
    }

    public HttpResponse<String> post(String path, String json) {
        return send("POST", "api/admin/" + path, json);
    }

    public HttpResponse<String> delete(String path) {
        return send("DELETE", "api/admin/" + path, null);
    }

    /** The request must answer 2xx; returns the parsed body (null for 204). */
    public JsonStructure ok(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(response.request().method() + " "
                    + response.request().uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        if (response.body() == null || response.body().isBlank()) {
            return null;
        }
        return Json.createReader(new StringReader(response.body())).read();
    }

    public JsonObject object(HttpResponse<String> response) {
        return (JsonObject) ok(response);
    }

    public JsonArray array(HttpResponse<String> response) {
        return (JsonArray) ok(response);
    }

    public HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(ChatClient.TIMEOUT)
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request);
    }

    /** Sends a request made by the test, with this client's credentials and headers. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        return exchange(request.timeout(ChatClient.TIMEOUT));
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
