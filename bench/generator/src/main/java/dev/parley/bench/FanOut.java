package dev.parley.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * R rooms of M members; posts at a total rate, each from the next poster in turn (by default every member posts,
 * so no connection nears Parley's posting limit); every receiver records the delay from the send time carried in
 * the text, and checks that it gets each message once and in order (per sender; on Parley also that it sees its
 * room's seqs from the first after its join to the room's last, each once, in order). The sender's own copy is the
 * echo: post-to-echo latency, which is what the persistence scenario reports.
 *
 * <p>Options: {@code --rooms 1 --members 1000 --rate 20 --duration 30 --warmup 5 --drain 30 --refs true}; {@code
 * --posters N} lets only the first N members of each room post (the rest only read: a hot room); {@code
 * --health-probe-ms N} samples {@code /api/health} every N ms during the measured window; with {@code
 * --require-exact} the process fails (exit 1) unless every delivery arrived once and in order.
 */
final class FanOut implements Client.Handler {

    private final int rooms;
    private final int members;
    private final int posters;
    private final double rate;
    private final boolean refs;
    private final Recorder delivery = new Recorder(3);
    private final Recorder echo = new Recorder(3);
    private final AtomicLong delivered = new AtomicLong();
    private final LongAdder echoed = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder seqGaps = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final Map<String, LongAdder> errorCodes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closeCodes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, LongAdder> errorReasons = new java.util.concurrent.ConcurrentHashMap<>();
    // a post answered `internal` because its store timed out may still be stored and delivered (Posting says so),
    // and then its sender's copy carries no ref: these tell such posts from lost ones, by the ref the post was sent
    // with
    private final java.util.Set<String> refusedRefs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> echoedRefs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final LongAdder echoedWithoutRef = new LongAdder();
    private final long[] firstSeq;
    private final long[] lastSeq;
    private final Map<Integer, Integer>[] lastBySender;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile boolean finished;
    private final AtomicLong posted = new AtomicLong();
    private double connectSeconds;

    @SuppressWarnings("unchecked")
    FanOut(Options options) {
        rooms = options.integer("rooms", 1);
        members = options.integer("members", 1000);
        posters = options.integer("posters", members);
        if (posters < 1 || posters > members) {
            throw new IllegalArgumentException("--posters is 1 to --members (" + members + ")");
        }
        rate = options.decimal("rate", 20);
        refs = Boolean.parseBoolean(options.string("refs", "true"));
        firstSeq = new long[rooms * members];
        lastSeq = new long[rooms * members];
        lastBySender = new Map[rooms * members];
        for (int i = 0; i < lastBySender.length; i++) {
            lastBySender[i] = new HashMap<>();
        }
    }

    private static String refOf(Client sender, int n) {
        return sender.name + "-" + n;
    }

    String roomOf(String run, int client) {
        return "b" + run + "-" + client / members;
    }

    @Override
    public void onFrame(Client client, String frame) {
        String type = Json.type(frame);
        if ("error".equals(type)) {
            errors.increment();
            String code = String.valueOf(Json.string(frame, "code"));
            errorCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
            errorReasons
                    .computeIfAbsent(code + ": " + Json.string(frame, "message"), reason -> new LongAdder())
                    .increment();
            String ref = Json.string(frame, "ref");
            if (ref != null) {
                refusedRefs.add(ref);
            }
            return;
        }
        if (!"message".equals(type) && !"say".equals(type)) {
            return;
        }
        long now = System.nanoTime();
        String text = Json.string(frame, "text");
        if (text == null || !text.startsWith("b ")) {
            return;
        }
        String[] parts = text.split(" ");
        int sender = Integer.parseInt(parts[1]);
        int n = Integer.parseInt(parts[2]);
        long sentAt = Long.parseLong(parts[3]);
        delivered.incrementAndGet();
        if (sender == client.index) {
            echoed.increment();
            if (refs) {
                echoedRefs.add(refOf(client, n));
                if (Json.string(frame, "ref") == null) {
                    echoedWithoutRef.increment();
                }
            }
        }
        Integer last = lastBySender[client.index].put(sender, n);
        if (last != null && n <= last) {
            outOfOrder.increment();
        } else if (last != null && n > last + 1) {
            skipped.add(n - last - 1L); // never delivered, or refused (errors say which), not reordered
        }
        long seq = Json.number(frame, "seq");
        if (seq >= 0) {
            if (lastSeq[client.index] == 0) {
                firstSeq[client.index] = seq;
            } else if (seq != lastSeq[client.index] + 1) {
                seqGaps.increment();
            }
            lastSeq[client.index] = seq;
        }
        if (sentAt >= windowStart && sentAt < windowEnd) {
            long micros = Math.max(0, (now - sentAt) / 1000);
            (sender == client.index ? echo : delivery).recordValue(micros);
        }
    }

    @Override
    public void onClose(Client client, int code, String reason) {
        if (finished) {
            return; // our own abort at the end
        }
        closed.increment();
        closeCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void run(Options options, Target target) throws Exception {
        int duration = options.integer("duration", 30);
        int warmup = options.integer("warmup", 5);
        int drain = options.integer("drain", 30);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        ServerProbe server = ServerProbe.of(options, target);
        Results results = new Results(options, target, server);
        Fleet fleet = new Fleet(target, "b" + run + "-", options.integer("concurrency", 200), Connector.of(options));
        // --idle-cpu-seconds N: the servers' own CPU with no client of ours, what a node costs before any delivery
        List<Double> idleCpuPerSecond = idleCpu(server, options.integer("idle-cpu-seconds", 0));
        List<Client> clients = open(options, fleet, run);
        double connectSeconds = this.connectSeconds;
        ScheduledExecutorService ticker =
                post(clients, System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + duration));

        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        long deliveredAtStart = delivered.get();
        double cpuStart = server.cpuSeconds();
        List<Double> cpuStartByProcess = server.cpuSecondsByProcess();
        Map<String, Double> sideCpuStart = server.sideCpuSeconds();
        double generatorCpuStart = ServerProbe.generatorCpuSeconds();
        measureFrom(System.nanoTime());
        HealthProbe health = healthProbe(options, target);
        // a busy server may take seconds to answer /api/metrics (its HTTP requests wait for the same worker threads
        // as the posts): the window must not wait for it
        long metricsStartAt = System.nanoTime();
        Map<String, Double> metricsStart = server.metrics();
        Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(duration) - (System.nanoTime() - windowStart) / 1_000_000));
        measureUntil(System.nanoTime());
        if (health != null) {
            health.stop();
        }
        long deliveredInWindow = delivered.get() - deliveredAtStart;
        double cpu = server.cpuSeconds() - cpuStart;
        List<Double> cpuByProcess = server.cpuSecondsByProcess();
        Map<String, Double> sideCpu = new java.util.LinkedHashMap<>();
        server.sideCpuSeconds().forEach((name, end) -> sideCpu.put(name, end - sideCpuStart.getOrDefault(name, 0.0)));
        double generatorCpu = ServerProbe.generatorCpuSeconds() - generatorCpuStart;
        long rss = server.rssBytes();
        Map<String, Double> metricsEnd = server.metrics();
        double window = (windowEnd - windowStart) / 1e9;
        double metricsWindow = (System.nanoTime() - metricsStartAt) / 1e9;
        ticker.shutdown();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
        long expected = posted.get() * members;
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drain);
        while (delivered.get() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(50);
        }
        Thread.sleep(200); // anything beyond the expected count (a duplicate) has a moment to show
        finished = true;
        Histogram deliveryHistogram = delivery.getIntervalHistogram();
        Histogram echoHistogram = echo.getIntervalHistogram();

        Map<String, Object> f = results.figures;
        f.put("connections", clients.size());
        f.put("connect_seconds", connectSeconds);
        f.put("connect_retries", fleet.retries());
        f.put("posts", posted.get());
        f.put("posts_per_second_measured", posted.get() / ((double) (warmup + duration)));
        f.put("delivered", delivered.get());
        f.put("expected", expected);
        f.put("out_of_order_or_duplicate", outOfOrder.sum());
        f.put("skipped_per_sender", skipped.sum());
        f.put("seq_gaps", seqGaps.sum());
        long seqIncomplete = seqIncomplete(clients);
        f.put("seq_incomplete_clients", seqIncomplete);
        f.put("echoed", echoed.sum());
        f.put("errors", errors.sum());
        f.put("closed_by_server", closed.sum());
        f.put("errors_by_code", Results.counts(errorCodes));
        f.put("closes_by_code", Results.counts(closeCodes));
        f.put("errors_by_reason", Results.counts(errorReasons));
        long refusedThenEchoed =
                refusedRefs.stream().filter(echoedRefs::contains).count();
        f.put("refused_then_echoed", refusedThenEchoed);
        f.put("echoed_without_ref", echoedWithoutRef.sum());
        f.put("window_seconds", window);
        f.put("deliveries_per_second", deliveredInWindow / window);
        f.put("server_cpu_seconds", cpu);
        f.put("deliveries_per_cpu_second", deliveredInWindow / cpu);
        f.put("nodes", target.urls().size());
        List<Double> cpuPerProcess = new java.util.ArrayList<>();
        for (int i = 0; i < cpuByProcess.size(); i++) {
            cpuPerProcess.add(cpuByProcess.get(i) - cpuStartByProcess.get(i));
        }
        f.put("server_cpu_seconds_by_process", cpuPerProcess);
        if (!idleCpuPerSecond.isEmpty()) {
            f.put("server_idle_cpu_per_second_by_process", idleCpuPerSecond);
            f.put(
                    "server_idle_cpu_per_second",
                    idleCpuPerSecond.stream().mapToDouble(Double::doubleValue).sum());
        }
        String sideBrief = "";
        if (!sideCpu.isEmpty()) {
            double sides =
                    sideCpu.values().stream().mapToDouble(Double::doubleValue).sum();
            f.put("side_cpu_seconds", sideCpu);
            f.put("deliveries_per_cpu_second_with_sides", deliveredInWindow / (cpu + sides));
            StringBuilder each = new StringBuilder();
            sideCpu.forEach((name, seconds) -> each.append(String.format(Locale.ROOT, " %s=%.1fs", name, seconds)));
            sideBrief = String.format(
                    Locale.ROOT,
                    " sides[%s deliveries/cpu-s-with-sides=%.0f]",
                    each.toString().trim(),
                    deliveredInWindow / (cpu + sides));
        }
        String nodesBrief = target.urls().size() > 1
                ? String.format(
                        Locale.ROOT,
                        " nodes=%d cpu-by-node=%s",
                        target.urls().size(),
                        cpuPerProcess.stream()
                                .map(seconds -> String.format(Locale.ROOT, "%.1fs", seconds))
                                .toList())
                : "";
        f.put("generator_cpu_seconds", generatorCpu);
        f.put("client", options.string("client", "jdk"));
        f.put("batch", target.batch());
        f.put("server_rss_bytes", rss);
        f.put("delivery_latency", Results.latency(deliveryHistogram));
        f.put("echo_latency", Results.latency(echoHistogram));
        double stored = metricsEnd.getOrDefault("parley_messages_stored_total", Double.NaN)
                - metricsStart.getOrDefault("parley_messages_stored_total", Double.NaN);
        f.put("stored_per_second", stored / metricsWindow);
        f.put("echoes_per_second", echoHistogram.getTotalCount() / window);
        String healthBrief = "";
        if (health != null) {
            Histogram healthHistogram = health.latency();
            f.put("health_latency", Results.latency(healthHistogram));
            f.put("health_requests", health.sent());
            f.put("health_not_200", health.not200());
            f.put("health_unanswered", health.unanswered());
            f.put("health_answers", health.answers());
            healthBrief = String.format(
                    Locale.ROOT,
                    " health[%s n=%d not-200=%d unanswered=%d]",
                    Results.brief(healthHistogram),
                    health.sent(),
                    health.not200(),
                    health.unanswered());
        }
        boolean exact = delivered.get() == expected
                && outOfOrder.sum() == 0
                && skipped.sum() == 0
                && seqGaps.sum() == 0
                && seqIncomplete == 0;
        f.put("exact", exact);
        String summary = String.format(
                Locale.ROOT,
                "%s %s %s: rooms=%d members=%d posters=%d rate=%.0f/s delivered=%d/%d echoed=%d/%d %s delivery[%s] "
                        + "echo[%s] deliveries/s=%.0f cpu=%.1fs deliveries/cpu-s=%.0f%s%s generator[%s%s cpu=%.1fs] stored/s=%.0f rss=%dMB%s",
                options.scenario,
                target.kind(),
                options.string("server-label", "?"),
                rooms,
                members,
                posters,
                rate,
                delivered.get(),
                expected,
                echoed.sum(),
                posted.get(),
                exact
                        ? "exact"
                        : "NOT-EXACT(order/dup=" + outOfOrder.sum() + ",skipped=" + skipped.sum() + ",gaps="
                                + seqGaps.sum() + ",seq-incomplete=" + seqIncomplete + ",errors=" + errorCodes
                                + ",refused-then-echoed=" + refusedThenEchoed + ",echoed-without-ref="
                                + echoedWithoutRef.sum() + ",closed=" + closeCodes + ")",
                Results.brief(deliveryHistogram),
                Results.brief(echoHistogram),
                deliveredInWindow / window,
                cpu,
                deliveredInWindow / cpu,
                nodesBrief,
                sideBrief,
                options.string("client", "jdk"),
                target.batch() ? " batch" : "",
                generatorCpu,
                stored / metricsWindow,
                rss / (1024 * 1024),
                healthBrief);
        clients.forEach(Client::abort);
        results.finish(options, summary);
        if (options.flag("require-exact") && !exact) {
            throw new IllegalStateException("deliveries were not exact: " + summary);
        }
    }

    /** Each server process's CPU seconds per second over {@code seconds} with no load of ours; empty for 0. */
    private static List<Double> idleCpu(ServerProbe server, int seconds) throws InterruptedException {
        if (seconds <= 0) {
            return List.of();
        }
        List<Double> start = server.cpuSecondsByProcess();
        long startAt = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        List<Double> end = server.cpuSecondsByProcess();
        double elapsed = (System.nanoTime() - startAt) / 1e9;
        List<Double> perSecond = new java.util.ArrayList<>();
        for (int i = 0; i < start.size(); i++) {
            perSecond.add((end.get(i) - start.get(i)) / elapsed);
        }
        System.err.printf(Locale.ROOT, "server CPU with no load: %s s/s%n", perSecond);
        return perSecond;
    }

    /** Connects every member into its room; returns once the presence of the joins has had a moment to go out. */
    List<Client> open(Options options, Fleet fleet, String run) throws InterruptedException {
        long connectStart = System.nanoTime();
        List<Client> clients =
                fleet.open(0, rooms * members, i -> roomOf(run, i), this, options.integer("connect-timeout", 300));
        connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        System.err.printf(Locale.ROOT, "%d connections ready in %.1f s%n", clients.size(), connectSeconds);
        Thread.sleep(Math.min(3_000, 500 + clients.size())); // let presence batches of the joins go out first
        return clients;
    }

    /**
     * Posts at the rate, each post from the next poster in turn, until {@code postingEnd} ({@link System#nanoTime})
     * or until the returned ticker is shut down.
     */
    ScheduledExecutorService post(List<Client> clients, long postingEnd) {
        int[] sent = new int[clients.size()];
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(Client.daemon("bench-ticker"));
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(
                () -> {
                    long now = System.nanoTime();
                    long due = (long) ((Math.min(now, postingEnd) - start) * rate / 1e9);
                    while (posted.get() < due) {
                        long k = posted.getAndIncrement();
                        int room = (int) (k % rooms);
                        int member = (int) ((k / rooms) % posters);
                        Client sender = clients.get(room * members + member);
                        int n = ++sent[sender.index];
                        String text = "b " + sender.index + " " + n + " " + System.nanoTime();
                        sender.send(Target.say(sender.room, text, refs ? refOf(sender, n) : null));
                    }
                },
                0,
                1,
                TimeUnit.MILLISECONDS);
        return ticker;
    }

    /** Latencies count from here for posts sent from {@code start} on, until {@link #measureUntil}. */
    void measureFrom(long start) {
        delivery.reset();
        echo.reset();
        windowEnd = Long.MAX_VALUE;
        windowStart = start;
    }

    /** Posts sent from {@code end} on no longer count; those sent before still do when they arrive. */
    void measureUntil(long end) {
        windowEnd = end;
    }

    /** The delivery latencies (to every member but the sender) recorded since the last call or measureFrom. */
    Histogram deliveryLatency() {
        return delivery.getIntervalHistogram();
    }

    Histogram echoLatency() {
        return echo.getIntervalHistogram();
    }

    long posted() {
        return posted.get();
    }

    long delivered() {
        return delivered.get();
    }

    /** Closes by the server (code: count) and refusals (error code: count) so far. */
    Map<String, Object> closesByCode() {
        return Results.counts(closeCodes);
    }

    Map<String, Object> errorsByCode() {
        return Results.counts(errorCodes);
    }

    void finish() {
        finished = true;
    }

    /**
     * Clients that did not see their room's seqs from the first after their join to the last any member of the room
     * saw; with no seq gaps, the others saw each of those exactly once and in order. None on raw (no seqs).
     */
    private long seqIncomplete(List<Client> clients) {
        long[] roomLast = new long[rooms];
        for (Client client : clients) {
            int room = client.index / members;
            roomLast[room] = Math.max(roomLast[room], lastSeq[client.index]);
        }
        return clients.stream()
                .filter(client -> {
                    long last = roomLast[client.index / members];
                    boolean nothingStored = last == 0 && lastSeq[client.index] == 0;
                    return !nothingStored
                            && (firstSeq[client.index] != client.joinedLast + 1 || lastSeq[client.index] != last);
                })
                .count();
    }

    private static HealthProbe healthProbe(Options options, Target target) {
        int every = options.integer("health-probe-ms", 0);
        if (every <= 0) {
            return null;
        }
        HealthProbe probe = new HealthProbe(target.httpBase().resolve("api/health"), every);
        probe.start();
        return probe;
    }
}
