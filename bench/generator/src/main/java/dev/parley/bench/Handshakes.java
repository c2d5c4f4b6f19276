package dev.parley.bench;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Handshakes as fast as {@code --concurrency} parallel attempts allow for {@code --duration} seconds: connect, wait
 * for {@code welcome} (Parley) or the open (raw), close. Reports completed handshakes per second, the time to
 * welcome, and errors (refused, failed, or no welcome within 10 s).
 *
 * <p>Options: {@code --concurrency 32 --duration 10}.
 */
final class Handshakes implements Client.Handler {

    private final Recorder latency = new Recorder(3);
    private final LongAdder ok = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<Client, Long> started = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onFrame(Client client, String frame) {
        String type = Json.type(frame);
        if ("welcome".equals(type)) {
            welcomed(client);
        } else if ("error".equals(type)) {
            client.ready.completeExceptionally(new IllegalStateException(frame));
        }
    }

    private void welcomed(Client client) {
        Long start = started.remove(client);
        if (start != null) {
            latency.recordValue((System.nanoTime() - start) / 1000);
        }
        client.ready.complete(client);
    }

    @Override
    public void onClose(Client client, int code, String reason) {
        client.ready.completeExceptionally(new IllegalStateException("closed " + code));
    }

    void run(Options options, Target target) throws Exception {
        int concurrency = options.integer("concurrency", 32);
        int duration = options.integer("duration", 10);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        ServerProbe server = ServerProbe.of(options, target);
        Results results = new Results(options, target, server);
        Semaphore slots = new Semaphore(concurrency);
        AtomicInteger ids = new AtomicInteger();
        double cpuStart = server.cpuSeconds();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(duration);
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            int id = ids.incrementAndGet();
            long attempt = System.nanoTime();
            CompletableFuture<Client> connected = Client.connect(
                    target.uri("h" + run + "-" + id, "h" + run), id, "h" + run + "-" + id, "h" + run, this);
            connected
                    .thenCompose(client -> {
                        started.put(client, attempt);
                        if (target.raw()) {
                            welcomed(client);
                        }
                        return client.ready;
                    })
                    .orTimeout(10, TimeUnit.SECONDS)
                    .whenComplete((client, failure) -> {
                        if (failure == null) {
                            ok.increment();
                            client.close();
                        } else {
                            errors.increment();
                            connected.thenAccept(Client::abort);
                        }
                        slots.release();
                    });
        }
        slots.acquire(concurrency);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = server.cpuSeconds() - cpuStart;
        Histogram histogram = latency.getIntervalHistogram();
        Map<String, Object> f = results.figures;
        f.put("handshakes", ok.sum());
        f.put("errors", errors.sum());
        f.put("seconds", seconds);
        f.put("handshakes_per_second", ok.sum() / seconds);
        f.put("server_cpu_seconds", cpu);
        f.put("handshakes_per_cpu_second", ok.sum() / cpu);
        f.put("time_to_welcome", Results.latency(histogram));
        f.put("server_rss_bytes", server.rssBytes());
        String summary = String.format(
                Locale.ROOT,
                "handshake %s %s: %.0f/s (%d ok, %d errors, concurrency %d) welcome[%s] cpu=%.1fs handshakes/cpu-s=%.0f",
                target.kind(),
                options.string("server-label", "?"),
                ok.sum() / seconds,
                ok.sum(),
                errors.sum(),
                concurrency,
                Results.brief(histogram),
                cpu,
                ok.sum() / cpu);
        results.finish(options, summary);
    }
}
