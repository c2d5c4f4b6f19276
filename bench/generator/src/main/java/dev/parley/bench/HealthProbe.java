package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Samples Parley's {@code /api/health} every {@code periodMillis} from a thread of its own while a run measures.
 * A request goes out on schedule whether or not the previous one has answered, so a server that answers late shows
 * in the latency, not as fewer samples. HTTP/1.1: Open Liberty answers nothing else (the JDK client would try h2c).
 */
final class HealthProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI health;
    private final long periodMillis;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    private final ScheduledExecutorService sampler =
            Executors.newSingleThreadScheduledExecutor(Client.daemon("bench-health"));
    private final Recorder latency = new Recorder(3);
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final Queue<CompletableFuture<Void>> requests = new ConcurrentLinkedQueue<>();

    HealthProbe(URI health, long periodMillis) {
        this.health = health;
        this.periodMillis = periodMillis;
    }

    void start() {
        sampler.scheduleAtFixedRate(this::sample, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        long sentAt = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(health).timeout(TIMEOUT).build();
        requests.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    if (failure == null) {
                        latency.recordValue(Math.max(0, (System.nanoTime() - sentAt) / 1000));
                        count(Integer.toString(response.statusCode()));
                    } else {
                        count(
                                failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException
                                        ? "timeout"
                                        : "failed");
                    }
                    return null;
                }));
    }

    private void count(String answer) {
        answers.computeIfAbsent(answer, a -> new LongAdder()).increment();
    }

    /** Sends no more requests and waits (bounded by the request timeout) for those still out. */
    void stop() throws InterruptedException {
        sampler.shutdown();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
        try {
            CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new))
                    .get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException stillOut) {
            // every request has its own timeout; what did not finish by now is left out of the counts
        }
    }

    /** One request now: the HTTP status, or {@code timeout} / {@code failed}. */
    static String once(URI health) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .build();
        try {
            return Integer.toString(http.send(
                            HttpRequest.newBuilder(health).timeout(TIMEOUT).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode());
        } catch (java.net.http.HttpTimeoutException e) {
            return "timeout";
        } catch (java.io.IOException e) {
            return "failed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "failed";
        }
    }

    /** The latency of every answer (whatever its status), in microseconds. */
    Histogram latency() {
        return latency.getIntervalHistogram();
    }

    /** Requests by outcome: the HTTP status, {@code timeout} (no answer in 10 s) or {@code failed}. */
    Map<String, Object> answers() {
        return Results.counts(answers);
    }

    long sent() {
        return requests.size();
    }

    /** Answers whose status was not 200. */
    long not200() {
        return counted(answer -> isStatus(answer) && !"200".equals(answer));
    }

    /** Requests with no answer: timed out or failed. */
    long unanswered() {
        return counted(answer -> !isStatus(answer));
    }

    private long counted(Predicate<String> which) {
        return answers.entrySet().stream()
                .filter(answer -> which.test(answer.getKey()))
                .mapToLong(answer -> answer.getValue().sum())
                .sum();
    }

    private static boolean isStatus(String answer) {
        return Character.isDigit(answer.charAt(0));
    }
}
