package dev.parley.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * The websocket-shootout method: one room grows by {@code --step} clients; at each size, {@code --samples}
 * broadcasts are sent with {@code --in-flight} kept going at once, and a sample is the time until the last member
 * got that broadcast. The run stops when a step's p95 passes {@code --bound-ms} (or a broadcast is lost, or
 * {@code --max} is reached) and reports the last step that held.
 *
 * <p>Options: {@code --step 1000 --max 20000 --samples 100 --in-flight 4 --bound-ms 500 --sample-timeout 30}.
 */
final class Capacity implements Client.Handler {

    private final Map<Long, Broadcast> open = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final LongAdder seqGaps = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder closed = new LongAdder();
    /** The last seq each client saw, by index; each slot is written by its client's thread only. */
    private long[] lastSeq = new long[0];

    private static final class Broadcast {
        final long sentAt = System.nanoTime();
        final AtomicInteger remaining;
        volatile long completedAt;

        Broadcast(int members) {
            remaining = new AtomicInteger(members);
        }
    }

    private Runnable onComplete = () -> {};

    @Override
    public void onFrame(Client client, String frame) {
        String type = Json.type(frame);
        if ("error".equals(type)) {
            errors.increment();
            return;
        }
        if (!"message".equals(type) && !"say".equals(type)) {
            return;
        }
        String text = Json.string(frame, "text");
        if (text == null || !text.startsWith("c ")) {
            return;
        }
        delivered.incrementAndGet();
        long seq = Json.number(frame, "seq");
        if (seq >= 0) {
            long last = lastSeq[client.index];
            lastSeq[client.index] = seq;
            if (last != 0 && seq != last + 1) {
                seqGaps.increment();
            }
        }
        Broadcast broadcast = open.get(Long.parseLong(text.substring(2)));
        if (broadcast != null && broadcast.remaining.decrementAndGet() == 0) {
            broadcast.completedAt = System.nanoTime();
            onComplete.run();
        }
    }

    @Override
    public void onClose(Client client, int code, String reason) {
        closed.increment();
    }

    void run(Options options, Target target) throws Exception {
        int step = options.integer("step", 1000);
        int max = options.integer("max", 20_000);
        lastSeq = new long[max];
        int samples = options.integer("samples", 100);
        int inFlight = options.integer("in-flight", 4);
        double boundMs = options.decimal("bound-ms", 500);
        int sampleTimeout = options.integer("sample-timeout", 30);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        String room = "c" + run;
        ServerProbe server = ServerProbe.of(options, target);
        Results results = new Results(options, target, server);
        Fleet fleet = new Fleet(target, "c" + run + "-", options.integer("concurrency", 200), Connector.of(options));
        List<Client> clients = new ArrayList<>();
        List<Map<String, Object>> steps = new ArrayList<>();
        int held = 0;
        String stopped = "reached --max " + max;
        AtomicLong ids = new AtomicLong();
        long expected = 0;
        String lastCpu = "none";
        while (clients.size() + step <= max) {
            try {
                clients.addAll(
                        fleet.open(clients.size(), step, i -> room, this, options.integer("connect-timeout", 300)));
            } catch (IllegalStateException failed) {
                stopped = "connecting failed at " + clients.size() + ": " + failed.getMessage();
                break;
            }
            Thread.sleep(1_500); // the joins' presence batch goes out before sampling
            int size = clients.size();
            Histogram histogram = new Histogram(3);
            CountDownLatch done = new CountDownLatch(samples);
            AtomicInteger launched = new AtomicInteger();
            List<Broadcast> launchedBroadcasts = java.util.Collections.synchronizedList(new ArrayList<>());
            Runnable launch = () -> {
                int k = launched.getAndIncrement();
                if (k >= samples) {
                    return;
                }
                long id = ids.incrementAndGet();
                Broadcast broadcast = new Broadcast(size);
                open.put(id, broadcast);
                launchedBroadcasts.add(broadcast);
                Client sender = clients.get((int) (id % size));
                sender.send(Target.say(room, "c " + id, null));
            };
            onComplete = () -> {
                done.countDown();
                launch.run();
            };
            double cpuStart = server.cpuSeconds();
            double generatorCpuStart = ServerProbe.generatorCpuSeconds();
            long stepStart = System.nanoTime();
            for (int i = 0; i < inFlight; i++) {
                launch.run();
            }
            boolean complete = done.await(sampleTimeout + samples, TimeUnit.SECONDS);
            double stepSeconds = (System.nanoTime() - stepStart) / 1e9;
            double cpu = server.cpuSeconds() - cpuStart;
            double generatorCpu = ServerProbe.generatorCpuSeconds() - generatorCpuStart;
            int completed = 0;
            for (Broadcast broadcast : List.copyOf(launchedBroadcasts)) {
                if (broadcast.completedAt != 0) {
                    histogram.recordValue((broadcast.completedAt - broadcast.sentAt) / 1000);
                    completed++;
                }
            }
            expected += (long) Math.min(launched.get(), samples) * size;
            open.clear();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("clients", size);
            figures.put("samples", completed);
            figures.put("broadcast_latency", Results.latency(histogram));
            figures.put("seconds", stepSeconds);
            figures.put("server_cpu_seconds", cpu);
            figures.put("generator_cpu_seconds", generatorCpu);
            figures.put("server_rss_bytes", server.rssBytes());
            figures.put("load_average", ServerProbe.loadAverage());
            steps.add(figures);
            double p95 = histogram.getValueAtPercentile(95) / 1000.0;
            System.err.printf(
                    Locale.ROOT,
                    "capacity %d clients: %d samples p50=%.1fms p95=%.1fms max=%.1fms cpu: server %.1fs generator %.1fs"
                            + " in %.1fs load %s%n",
                    size,
                    completed,
                    histogram.getValueAtPercentile(50) / 1000.0,
                    p95,
                    histogram.getMaxValue() / 1000.0,
                    cpu,
                    generatorCpu,
                    stepSeconds,
                    ServerProbe.loadAverage());
            lastCpu =
                    String.format(Locale.ROOT, "server %.1fs generator %.1fs in %.1fs", cpu, generatorCpu, stepSeconds);
            if (!complete) {
                stopped = "broadcasts not delivered to every member within the timeout at " + size;
                break;
            }
            if (p95 > boundMs) {
                stopped = String.format(Locale.ROOT, "p95 %.0f ms > %.0f ms at %d", p95, boundMs, size);
                break;
            }
            held = size;
        }
        Map<String, Object> f = results.figures;
        f.put("largest_room_held", held);
        f.put("stopped", stopped);
        f.put("delivered", delivered.get());
        f.put("expected_at_least", expected);
        f.put("seq_gaps", seqGaps.sum());
        f.put("errors", errors.sum());
        f.put("closed_by_server", closed.sum());
        f.put("client", options.string("client", "jdk"));
        f.put("batch", target.batch());
        f.put("steps", steps);
        String summary = String.format(
                Locale.ROOT,
                "capacity %s %s: largest room held=%d (p95 <= %.0f ms, %d in flight) stopped: %s; seq gaps=%d errors=%d closed=%d;"
                        + " cpu of the last step: %s; generator[%s%s]",
                target.kind(),
                options.string("server-label", "?"),
                held,
                boundMs,
                inFlight,
                stopped,
                seqGaps.sum(),
                errors.sum(),
                closed.sum(),
                lastCpu,
                options.string("client", "jdk"),
                target.batch() ? " batch" : "");
        clients.forEach(Client::abort);
        results.finish(options, summary);
    }
}
