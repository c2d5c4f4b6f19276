package dev.parley.bench;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Issue #19: does moving files slow chat? One run, so that the machine's noise cancels out in a ratio: a {@link
 * FanOut} room ({@code --members}, {@code --posters}, {@code --rate}) through a quiet phase ({@code --quiet} s), then
 * the same through a loaded phase ({@code --loaded} s) in which {@code --uploaders} logged-in users (named {@code
 * --user-prefix} 0, 1, …, password {@code --password}: users of the server's realm, see bench/README.md) each loop:
 * upload a file of {@code --file-bytes} random bytes ({@code POST /api/files}), post it in a room of their own with
 * {@code say} {@code files} and wait for the message; and {@code --downloaders} threads fetch the latest posted
 * files' urls (no login: a public room) in a loop. Reports per phase the fan-out's delivery latency, the server's
 * CPU and heap and {@code /api/health}; for the loaded phase uploads/s, MB/s up and down, the upload and download
 * latencies and the refusals by status; and the ratios loaded/quiet of the delivery p50, p99 and max.
 */
final class Uploads {

    private final Options options;
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private volatile boolean moving = true;
    /** The latest posted files' urls, a ring the downloaders pick from. */
    private final AtomicReferenceArray<URI> posted = new AtomicReferenceArray<>(64);

    private final LongAdder uploads = new LongAdder();
    private final LongAdder bytesUp = new LongAdder();
    private final LongAdder downloads = new LongAdder();
    private final LongAdder bytesDown = new LongAdder();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final Recorder uploadLatency = new Recorder(3);
    private final Recorder postLatency = new Recorder(3);
    private final Recorder downloadLatency = new Recorder(3);
    /** The uploaders' {@code say}s waiting for their message, by ref. */
    private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

    Uploads(Options options) {
        this.options = options;
    }

    void run(Target target) throws Exception {
        int warmup = options.integer("warmup", 10);
        int quiet = options.integer("quiet", 60);
        int loaded = options.integer("loaded", 60);
        int drain = options.integer("drain", 30);
        int uploaders = options.integer("uploaders", 4);
        int downloaders = options.integer("downloaders", 4);
        ServerProbe server = ServerProbe.of(options, target);
        Results results = new Results(options, target, server);
        HeapSampler heap = new HeapSampler();
        heap.start(server.pid);

        FanOut healthy = new FanOut(options);
        List<Client> clients = healthy.open(
                options,
                new Fleet(target, "h" + run + "-", options.integer("concurrency", 200), Connector.of(options)),
                run);
        List<Uploader> movers = logIn(target, uploaders);
        ScheduledExecutorService posting = healthy.post(clients, Long.MAX_VALUE);
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));

        System.err.printf(Locale.ROOT, "quiet phase: %d s%n", quiet);
        long q0 = System.nanoTime();
        double[] cpuQ0 = Hostile.cpuSeconds(server);
        healthy.measureFrom(q0);
        HealthProbe quietHealth = healthProbe(target);
        Thread.sleep(TimeUnit.SECONDS.toMillis(quiet));
        long q1 = System.nanoTime();
        double[] cpuQ1 = Hostile.cpuSeconds(server);
        healthy.measureUntil(q1);
        quietHealth.stop();
        Map<String, Object> quietHeap = heap.between(q0, q1);
        quietHeap.put("after_full_gc_mib", Hostile.afterFullGc(server, heap));
        Histogram quietDelivery = healthy.deliveryLatency();
        Histogram quietEcho = healthy.echoLatency();

        System.err.printf(
                Locale.ROOT,
                "loaded phase: %d s, %d uploaders of %d bytes, %d downloaders%n",
                loaded,
                uploaders,
                movers.isEmpty() ? 0 : movers.get(0).body.length,
                downloaders);
        List<Thread> threads = new ArrayList<>();
        movers.forEach(mover -> threads.add(start("bench-uploader", mover::loop)));
        HttpClient anonymous =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        for (int i = 0; i < downloaders; i++) {
            threads.add(start("bench-downloader", () -> download(anonymous)));
        }
        long l0 = System.nanoTime();
        double[] cpuL0 = Hostile.cpuSeconds(server);
        healthy.measureFrom(l0);
        uploadLatency.reset();
        postLatency.reset();
        downloadLatency.reset();
        long uploads0 = uploads.sum(), up0 = bytesUp.sum(), downloads0 = downloads.sum(), down0 = bytesDown.sum();
        HealthProbe loadedHealth = healthProbe(target);
        Thread.sleep(TimeUnit.SECONDS.toMillis(loaded));
        long l1 = System.nanoTime();
        double[] cpuL1 = Hostile.cpuSeconds(server);
        long uploadsIn = uploads.sum() - uploads0, upIn = bytesUp.sum() - up0;
        long downloadsIn = downloads.sum() - downloads0, downIn = bytesDown.sum() - down0;
        healthy.measureUntil(l1);
        loadedHealth.stop();
        Map<String, Object> loadedHeap = heap.between(l0, l1);
        moving = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        // with no upload or download in flight: what the files left behind on the heap
        loadedHeap.put("after_full_gc_mib", Hostile.afterFullGc(server, heap));
        posting.shutdown();
        posting.awaitTermination(10, TimeUnit.SECONDS);
        long expected = healthy.posted() * clients.size();
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drain);
        while (healthy.delivered() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(50);
        }
        healthy.finish();
        Histogram loadedDelivery = healthy.deliveryLatency();
        Histogram loadedEcho = healthy.echoLatency();
        clients.forEach(Client::abort);
        movers.forEach(mover -> mover.chat.abort());
        heap.stop();

        double seconds = (l1 - l0) / 1e9;
        Histogram up = uploadLatency.getIntervalHistogram();
        Histogram say = postLatency.getIntervalHistogram();
        Histogram down = downloadLatency.getIntervalHistogram();
        Map<String, Object> moved = new LinkedHashMap<>();
        moved.put("uploaders", uploaders);
        moved.put("downloaders", downloaders);
        moved.put("file_bytes", movers.isEmpty() ? 0 : movers.get(0).body.length);
        moved.put("uploads", uploadsIn);
        moved.put("uploads_per_second", uploadsIn / seconds);
        moved.put("mb_per_second_up", upIn / seconds / 1e6);
        moved.put("downloads", downloadsIn);
        moved.put("downloads_per_second", downloadsIn / seconds);
        moved.put("mb_per_second_down", downIn / seconds / 1e6);
        moved.put("upload_latency", Results.latency(up));
        moved.put("say_with_files_latency", Results.latency(say));
        moved.put("download_latency", Results.latency(down));
        moved.put("refusals", Results.counts(refusals));

        Map<String, Object> f = results.figures;
        Map<String, Object> healthyOutcome = new LinkedHashMap<>();
        healthyOutcome.put("connections", clients.size());
        healthyOutcome.put("posts", healthy.posted());
        healthyOutcome.put("delivered", healthy.delivered());
        healthyOutcome.put("expected", expected);
        healthyOutcome.put("closes_by_code", healthy.closesByCode());
        healthyOutcome.put("errors_by_code", healthy.errorsByCode());
        f.put("healthy", healthyOutcome);
        f.put("quiet", Hostile.withCpu(Hostile.phase(quietDelivery, quietEcho, quietHealth, quietHeap), cpuQ0, cpuQ1));
        Map<String, Object> loadedPhase =
                Hostile.withCpu(Hostile.phase(loadedDelivery, loadedEcho, loadedHealth, loadedHeap), cpuL0, cpuL1);
        loadedPhase.put("files", moved);
        f.put("loaded", loadedPhase);
        double[] ratios = {
            ratio(quietDelivery, loadedDelivery, 50),
            ratio(quietDelivery, loadedDelivery, 99),
            (double) loadedDelivery.getMaxValue() / Math.max(1, quietDelivery.getMaxValue())
        };
        f.put("p50_ratio", ratios[0]);
        f.put("p99_ratio", ratios[1]);
        f.put("max_ratio", ratios[2]);

        String summary = String.format(
                Locale.ROOT,
                "uploads %s %s: quiet %s | loaded %s | ratio p50=%.2f p99=%.2f max=%.2f | %d uploaders x %d B,"
                        + " %d downloaders: %.2f uploads/s %.1f MB/s up %.1f MB/s down, upload %s, download %s,"
                        + " refused %s | cpu-s server/generator quiet=%.1f/%.1f loaded=%.1f/%.1f | heap max (after full GC)"
                        + " MiB quiet=%s (%s) loaded=%s (%s) | health[quiet not-200=%d unanswered=%d; loaded not-200=%d"
                        + " unanswered=%d] healthy delivered=%d/%d closed=%s errors=%s",
                target.kind(),
                options.string("server-label", "?"),
                Results.brief(quietDelivery),
                Results.brief(loadedDelivery),
                ratios[0],
                ratios[1],
                ratios[2],
                uploaders,
                movers.isEmpty() ? 0 : movers.get(0).body.length,
                downloaders,
                uploadsIn / seconds,
                upIn / seconds / 1e6,
                downIn / seconds / 1e6,
                Results.brief(up),
                Results.brief(down),
                Results.counts(refusals),
                cpuQ1[0] - cpuQ0[0],
                cpuQ1[1] - cpuQ0[1],
                cpuL1[0] - cpuL0[0],
                cpuL1[1] - cpuL0[1],
                Hostile.mib(quietHeap.get("used_max_mib")),
                Hostile.mib(quietHeap.get("after_full_gc_mib")),
                Hostile.mib(loadedHeap.get("used_max_mib")),
                Hostile.mib(loadedHeap.get("after_full_gc_mib")),
                quietHealth.not200(),
                quietHealth.unanswered(),
                loadedHealth.not200(),
                loadedHealth.unanswered(),
                healthy.delivered(),
                expected,
                healthy.closesByCode(),
                healthy.errorsByCode());
        results.finish(options, summary);
    }

    private static double ratio(Histogram quiet, Histogram loaded, double percentile) {
        return (double) loaded.getValueAtPercentile(percentile) / Math.max(1, quiet.getValueAtPercentile(percentile));
    }

    private HealthProbe healthProbe(Target target) {
        HealthProbe probe =
                new HealthProbe(target.httpBase().resolve("api/health"), options.integer("health-probe-ms", 500));
        probe.start();
        return probe;
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void refused(String what) {
        refusals.computeIfAbsent(what, key -> new LongAdder()).increment();
    }

    /** Logs every uploader in and brings its chat connection (with the login's cookie) into the files room. */
    private List<Uploader> logIn(Target target, int count) throws Exception {
        String prefix = options.string("user-prefix", "benchup");
        String password = options.string("password", "bench-Up-1");
        String room = "u" + run;
        List<Login> logins = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            logins.add(Login.as(target.httpBase(), prefix + i, password));
        }
        Client.Handler answers = (client, frame) -> {
            String type = Json.type(frame);
            String ref = Json.string(frame, "ref");
            CompletableFuture<String> pending = ref == null ? null : waiting.remove(ref);
            if (pending != null && ("message".equals(type) || "error".equals(type))) {
                pending.complete(frame);
            }
        };
        // a logged-in connection names no one (?name= is for guests): the login's cookie says who it is
        List<Client> chats = new Fleet(
                        target,
                        prefix,
                        count,
                        (uri, index, name, joinRoom, handler) -> Client.connect(
                                logins.get(index).http,
                                target.url(),
                                index,
                                name,
                                joinRoom,
                                handler,
                                logins.get(index).cookie()))
                .open(0, count, i -> room, answers, 60);
        byte[] file = new byte[options.integer("file-bytes", 2 * 1024 * 1024)];
        List<Uploader> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            new Random(i).nextBytes(file); // random bytes: nothing for anyone to compress
            out.add(new Uploader(target.httpBase(), logins.get(i), chats.get(i), room, file));
        }
        return out;
    }

    /** One logged-in user: uploads its file, posts it in the files room, waits for the message, again. */
    private final class Uploader {
        private static final String BOUNDARY = "parley-bench-boundary";
        final URI root;
        final Login login;
        final Client chat;
        final String room;
        final byte[] body;
        int sent;

        Uploader(URI root, Login login, Client chat, String room, byte[] file) {
            this.root = root;
            this.login = login;
            this.chat = chat;
            this.room = room;
            ByteArrayOutputStream multipart = new ByteArrayOutputStream(file.length + 256);
            multipart.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\";"
                            + " filename=\"bench.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            multipart.writeBytes(file);
            multipart.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            body = multipart.toByteArray();
        }

        void loop() {
            HttpRequest upload = HttpRequest.newBuilder(root.resolve("api/files"))
                    .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                    .header("X-Parley-CSRF", "1")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            while (moving) {
                try {
                    long t0 = System.nanoTime();
                    HttpResponse<String> answer = login.http.send(upload, HttpResponse.BodyHandlers.ofString());
                    long t1 = System.nanoTime();
                    if (answer.statusCode() != 201) {
                        refused("upload " + answer.statusCode() + " " + Json.string(answer.body(), "error"));
                        Thread.sleep(answer.statusCode() == 503 ? 20 : 500); // 503: the server's uploads-at-once
                        continue;
                    }
                    uploadLatency.recordValue((t1 - t0) / 1000);
                    String id = Json.string(answer.body(), "id");
                    String ref = chat.name + "-f" + sent++;
                    CompletableFuture<String> message = new CompletableFuture<>();
                    waiting.put(ref, message);
                    chat.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"\",\"ref\":\"" + ref
                            + "\",\"files\":[\"" + id + "\"]}");
                    String frame = message.get(60, TimeUnit.SECONDS);
                    if (!"message".equals(Json.type(frame))) {
                        refused("say " + Json.string(frame, "code"));
                        continue;
                    }
                    postLatency.recordValue((System.nanoTime() - t1) / 1000);
                    uploads.increment();
                    bytesUp.add(body.length);
                    posted.set(sent % posted.length(), root.resolve(Json.string(answer.body(), "url")));
                } catch (InterruptedException stop) {
                    return;
                } catch (Exception failed) {
                    refused("upload " + failed.getClass().getSimpleName());
                }
            }
        }
    }

    /** Fetches one of the latest posted files after the other, as anyone may in a public room. */
    private void download(HttpClient http) {
        byte[] sink = new byte[64 * 1024];
        while (moving) {
            try {
                URI url = posted.get(ThreadLocalRandom.current().nextInt(posted.length()));
                if (url == null) {
                    url = posted.get(0) != null ? posted.get(0) : posted.get(1);
                }
                if (url == null) {
                    Thread.sleep(50); // nothing posted yet
                    continue;
                }
                long t0 = System.nanoTime();
                HttpResponse<InputStream> answer = http.send(
                        HttpRequest.newBuilder(url)
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                long bytes = 0;
                try (InputStream in = answer.body()) {
                    for (int n; (n = in.read(sink)) >= 0; ) {
                        bytes += n;
                    }
                }
                if (answer.statusCode() != 200) {
                    refused("download " + answer.statusCode());
                    Thread.sleep(500);
                    continue;
                }
                downloadLatency.recordValue((System.nanoTime() - t0) / 1000);
                downloads.increment();
                bytesDown.add(bytes);
            } catch (InterruptedException stop) {
                return;
            } catch (Exception failed) {
                refused("download " + failed.getClass().getSimpleName());
            }
        }
    }
}
