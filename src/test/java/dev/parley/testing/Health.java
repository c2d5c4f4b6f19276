package dev.parley.testing;

import jakarta.json.Json;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** What {@code /api/health} says about the database (and a cluster node's bus), awaited as a load balancer's probe sees it. */
public final class Health {

    private static final HttpClient HTTP = Http.client();

    private Health() {}

    /** Polls {@code /api/health} until it says the database is {@code state}: 200 when up, 503 when down. */
    public static void await(URL base, String state) {
        await(base, "database", state, ("up".equals(state) ? 200 : 503));
    }

    /** Polls {@code /api/health} until a cluster node says its bus is {@code state} ({@code up}, {@code degraded}). */
    public static void awaitCluster(URL base, String state) {
        await(base, "cluster", state, 200);
    }

    private static void await(URL base, String field, String state, int status) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString()).resolve("/api/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        Poll.until(
                ChatClient.TIMEOUT,
                () -> {
                    try {
                        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (HttpTimeoutException e) {
                        // a loaded machine, not an answer: asked again until the limit
                        return null;
                    } catch (IOException e) {
                        throw new AssertionError("/api/health did not answer: " + e, e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                },
                response -> response != null
                        && response.statusCode() == status
                        && state.equals(Json.createReader(new StringReader(response.body()))
                                .readObject()
                                .getString(field, null)),
                response -> field + " " + state + " in /api/health: "
                        + (response == null ? "no answer within 2 s" : response.statusCode() + " " + response.body()));
    }
}
