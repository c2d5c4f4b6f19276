package dev.parley.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The JDK HTTP client the way every test uses it: HTTP/1.1 only. By default the client offers an h2c upgrade on each
 * plain-HTTP request; Open Liberty does not speak it, and on WildFly an upgraded request once ended in "EOF reached
 * while reading" in CI (BrowserIT, 4 Dec 2026). Browsers never use h2c, so tests should not either.
 */
public final class Http {

    private static final HttpClient CLIENT = builder().build();

    private Http() {}

    /** A builder already set to HTTP/1.1 with the tests' connect timeout, for callers that add cookies or redirects. */
    public static HttpClient.Builder builder() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(ChatClient.TIMEOUT);
    }

    /** One shared client for plain requests. */
    public static HttpClient client() {
        return CLIENT;
    }

    /** {@code GET uri} with the given header name/value pairs, waiting at most 10 s for the answer. */
    public static HttpResponse<String> get(URI uri, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
