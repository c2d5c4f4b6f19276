package dev.parley.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Issue #14's memory attacks against a healthy room, in one run so that the machine's noise cancels out in a ratio.
 * Healthy clients (a {@link FanOut} room of {@code --members} with {@code --posters} posting {@code --rate} in all,
 * from their own source addresses) run through a quiet phase and then a hostile phase, in which attackers from other
 * loopback addresses (each attack its own, so per-address limits fall on attackers, not on healthy clients) go as
 * fast as the server's default per-connection limits let any client go:
 *
 * <ul>
 *   <li>room fillers create rooms and post 50 messages of 4,000 {@code "} into each (8,000 characters in JSON);
 *   <li>history bombers, in a room of at least 200 such messages, ask {@code history} with limit 200, before and after
 *       in turn, at the command rate, and reconnect whenever closed;
 *   <li>slow readers join that room (kept busy by a few posters of such messages at the posting rate, from an
 *       address of their own) and the healthy room, and never read;
 *   <li>a connection flood holds as many idle connections as its addresses are allowed.
 * </ul>
 *
 * Reports the healthy clients' delivery latency per phase and the ratio of the p99s, the server's heap per phase
 * (jstat), {@code /api/health} per phase, what each attack got (welcomes, refusals, errors and closes by code), whether
 * the server was up at the end and whether its log has an {@code OutOfMemoryError} ({@code --server-log}).
 */
final class Hostile {

    private final Options options;
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private final String quotes;
    private final Pace.Shape say;
    private final Pace.Shape commands;
    private final AtomicLong roomNames = new AtomicLong();
    private final java.util.concurrent.ExecutorService attackCallbacks =
            Executors.newFixedThreadPool(2, Client.daemon("bench-attack-callback"));

    Hostile(Options options) {
        this.options = options;
        // JSON escapes " as \" : 4,000 code points of text are 8,000 characters on the wire and in every copy
        quotes = "\\\"".repeat(options.integer("text-code-points", 4000));
        say = new Pace.Shape(options.decimal("say-per-second", 10), options.decimal("say-burst", 20));
        commands = new Pace.Shape(options.decimal("commands-per-second", 30), options.decimal("commands-burst", 60));
    }

    void run(Target target) throws Exception {
        int warmup = options.integer("warmup", 10);
        int quiet = options.integer("quiet", 60);
        int hostile = options.integer("hostile", 60);
        int drain = options.integer("drain", 30);
        long retryMillis = options.integer("retry-ms", 1000);
        int slots = options.integer("slots", 100);
        ServerProbe server = ServerProbe.of(options, target);
        Results results = new Results(options, target, server);
        HeapSampler heap = new HeapSampler();
        heap.start(server.pid);

        FanOut healthy = new FanOut(options);
        HttpClient[] healthySources = Client.httpClients(options.string("healthy-addresses", "127.0.0.2-127.0.0.5"), 0);
        List<Client> clients = healthy.open(
                options, new Fleet(target, "h" + run + "-", options.integer("concurrency", 200), healthySources), run);
        String healthyRoom = healthy.roomOf(run, 0);
        String attackRoom = "x" + run;
        HttpClient[] posterSources = sources("poster-addresses", "127.0.0.32");
        fillAttackRoom(target, attackRoom, posterSources, options.integer("attack-room-messages", 200));

        ScheduledExecutorService posting = healthy.post(clients, Long.MAX_VALUE);
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));

        System.err.printf(Locale.ROOT, "quiet phase: %d s%n", quiet);
        long q0 = System.nanoTime();
        double[] cpuQ0 = cpuSeconds(server);
        healthy.measureFrom(q0);
        HealthProbe quietHealth = healthProbe(target);
        Thread.sleep(TimeUnit.SECONDS.toMillis(quiet));
        long q1 = System.nanoTime();
        double[] cpuQ1 = cpuSeconds(server);
        healthy.measureUntil(q1);
        quietHealth.stop();
        Map<String, Object> quietHeap = heap.between(q0, q1);
        quietHeap.put("after_full_gc_mib", afterFullGc(server, heap));
        Histogram quietDelivery = healthy.deliveryLatency();
        Histogram quietEcho = healthy.echoLatency();

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(Client.daemon("bench-attack"));
        List<Attack> attacks = List.of(
                new Attack(
                        "room-fillers",
                        target,
                        sources("filler-addresses", "127.0.0.10-127.0.0.11"),
                        slots,
                        retryMillis,
                        "f" + run + "-",
                        new Fillers()),
                new Attack(
                        "history-bombers",
                        target,
                        sources("bomber-addresses", "127.0.0.20-127.0.0.21"),
                        slots,
                        retryMillis,
                        "g" + run + "-",
                        new Bombers(attackRoom)),
                new Attack(
                        "attack-room-posters",
                        target,
                        posterSources,
                        options.integer("attack-room-posters", 3),
                        retryMillis,
                        "p" + run + "-",
                        new Posters(attackRoom)),
                new Attack(
                        "connection-flood",
                        target,
                        sources("flood-addresses", "127.0.0.40-127.0.0.41"),
                        options.integer("flood-slots", 150),
                        retryMillis,
                        "c" + run + "-",
                        new Holders()));
        SlowReaders slowReaders = new SlowReaders(
                target.url(),
                SourceAddresses.parse(options.string("slow-addresses", "127.0.0.30-127.0.0.31")),
                slots,
                retryMillis,
                "s" + run + "-",
                List.of(attackRoom, healthyRoom));

        System.err.printf(Locale.ROOT, "hostile phase: %d s%n", hostile);
        long h0 = System.nanoTime();
        double[] cpuH0 = cpuSeconds(server);
        healthy.measureFrom(h0);
        HealthProbe hostileHealth = healthProbe(target);
        attacks.forEach(attack -> attack.start(ticker));
        slowReaders.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(hostile));
        long h1 = System.nanoTime();
        double[] cpuH1 = cpuSeconds(server);
        healthy.measureUntil(h1);
        hostileHealth.stop(); // its requests still out are answered (or time out) under the attack
        Map<String, Object> hostileHeap = heap.between(h0, h1);
        hostileHeap.put("after_full_gc_mib", afterFullGc(server, heap)); // with the attackers still connected
        attacks.forEach(Attack::stop);
        slowReaders.stop();
        ticker.shutdownNow();
        posting.shutdown();
        posting.awaitTermination(10, TimeUnit.SECONDS);
        long expected = healthy.posted() * clients.size();
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drain);
        while (healthy.delivered() < expected && System.nanoTime() < drainDeadline) {
            Thread.sleep(50);
        }
        healthy.finish();
        Histogram hostileDelivery = healthy.deliveryLatency();
        Histogram hostileEcho = healthy.echoLatency();
        clients.forEach(Client::abort);

        boolean processUp =
                ProcessHandle.of(server.pid).map(ProcessHandle::isAlive).orElse(false);
        String alive = processUp ? HealthProbe.once(target.httpBase().resolve("api/health")) : "no process";
        long outOfMemory = outOfMemoryErrors(options.string("server-log", ""));
        heap.stop();
        long heapLimit = heapLimitMib(server.command());

        Map<String, Object> f = results.figures;
        Map<String, Object> healthyOutcome = new LinkedHashMap<>();
        healthyOutcome.put("connections", clients.size());
        healthyOutcome.put("posts", healthy.posted());
        healthyOutcome.put("delivered", healthy.delivered());
        healthyOutcome.put("expected", expected);
        healthyOutcome.put("closes_by_code", healthy.closesByCode());
        healthyOutcome.put("errors_by_code", healthy.errorsByCode());
        f.put("healthy", healthyOutcome);
        f.put("quiet", withCpu(phase(quietDelivery, quietEcho, quietHealth, quietHeap), cpuQ0, cpuQ1));
        f.put("hostile", withCpu(phase(hostileDelivery, hostileEcho, hostileHealth, hostileHeap), cpuH0, cpuH1));
        double quietP99 = quietDelivery.getValueAtPercentile(99);
        double hostileP99 = hostileDelivery.getValueAtPercentile(99);
        double ratio = quietP99 > 0 ? hostileP99 / quietP99 : Double.NaN;
        f.put("p99_ratio", ratio);
        f.put("heap_limit_mib", heapLimit);
        Map<String, Object> attackers = new LinkedHashMap<>();
        attacks.forEach(attack -> attackers.put(attack.name, attack.outcome()));
        attackers.put("slow-readers", slowReaders.outcome());
        f.put("attackers", attackers);
        f.put("server_process_up", processUp);
        f.put("health_at_end", alive);
        f.put("server_alive", "200".equals(alive));
        f.put("server_log_out_of_memory_errors", outOfMemory);

        StringBuilder briefs = new StringBuilder();
        attacks.forEach(attack -> briefs.append(' ').append(attack.brief()));
        String summary = String.format(
                Locale.ROOT,
                "hostile %s %s: quiet p99=%.1fms hostile p99=%.1fms ratio=%.2f cpu-s server/generator quiet=%.1f/%.1f"
                        + " hostile=%.1f/%.1f heap max=%s/%d MiB (old max %s, after"
                        + " full GC %s) health[quiet not-200=%d unanswered=%d; hostile not-200=%d unanswered=%d]"
                        + " health-at-end=%s oom-in-log=%d healthy delivered=%d/%d closed=%s%s %s",
                target.kind(),
                options.string("server-label", "?"),
                Results.ms((long) quietP99),
                Results.ms((long) hostileP99),
                ratio,
                cpuQ1[0] - cpuQ0[0],
                cpuQ1[1] - cpuQ0[1],
                cpuH1[0] - cpuH0[0],
                cpuH1[1] - cpuH0[1],
                mib(hostileHeap.get("used_max_mib")),
                heapLimit,
                mib(hostileHeap.get("old_max_mib")),
                mib(hostileHeap.get("after_full_gc_mib")),
                quietHealth.not200(),
                quietHealth.unanswered(),
                hostileHealth.not200(),
                hostileHealth.unanswered(),
                alive,
                outOfMemory,
                healthy.delivered(),
                expected,
                healthy.closesByCode(),
                briefs,
                slowReaders.brief());
        results.finish(options, summary);
    }

    /** The attackers' clients, bound to the option's addresses, with callback threads apart from the healthy ones'. */
    static String mib(Object value) {
        return value instanceof Double d ? String.format(Locale.ROOT, "%.0f", d) : "?";
    }

    private HttpClient[] sources(String option, String fallback) {
        return Client.httpClients(options.string(option, fallback), 0, attackCallbacks);
    }

    private HealthProbe healthProbe(Target target) {
        HealthProbe probe =
                new HealthProbe(target.httpBase().resolve("api/health"), options.integer("health-probe-ms", 500));
        probe.start();
        return probe;
    }

    static Map<String, Object> phase(Histogram delivery, Histogram echo, HealthProbe health, Map<String, Object> heap) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("delivery_latency", Results.latency(delivery));
        out.put("echo_latency", Results.latency(echo));
        out.put("health_latency", Results.latency(health.latency()));
        out.put("health_answers", health.answers());
        out.put("heap", heap);
        return out;
    }

    /**
     * The CPU seconds the server and this generator have used so far: the healthy p99 under attack depends on how
     * the two cores were shared, and the attackers run in this process.
     */
    static double[] cpuSeconds(ServerProbe server) {
        double own = ProcessHandle.current()
                        .info()
                        .totalCpuDuration()
                        .map(java.time.Duration::toNanos)
                        .orElse(-1L)
                / 1e9;
        return new double[] {server.cpuSeconds(), own};
    }

    static Map<String, Object> withCpu(Map<String, Object> phase, double[] from, double[] to) {
        phase.put("server_cpu_seconds", to[0] - from[0]);
        phase.put("generator_cpu_seconds", to[1] - from[1]);
        return phase;
    }

    /** The heap in use right after a full GC ({@code jcmd GC.run}), in MiB; null when jcmd or jstat failed. */
    static Double afterFullGc(ServerProbe server, HeapSampler heap) throws InterruptedException {
        if (!server.fullGc()) {
            return null;
        }
        HeapSampler.Sample sample = heap.next(System.nanoTime());
        return sample == null ? null : HeapSampler.mib(sample.usedKb());
    }

    /**
     * Posts {@code messages} maximum-size messages into the attack room before the quiet phase, so that a {@code
     * history} of 200 there is as large as one can be: from 10 connections (burst 20 each) of the posters' address.
     */
    private void fillAttackRoom(Target target, String room, HttpClient[] sources, int messages) throws Exception {
        int posters = Math.max(1, (messages + 19) / 20);
        CountDownLatch stored = new CountDownLatch(messages);
        Client.Handler counting = (client, frame) -> {
            if ("message".equals(Json.type(frame)) && client.name.equals(Json.string(frame, "from"))) {
                stored.countDown();
            }
        };
        List<Client> fillers =
                new Fleet(target, "a" + run + "-", posters, sources).open(0, posters, i -> room, counting, 60);
        for (int i = 0; i < messages; i++) {
            Client poster = fillers.get(i % posters);
            poster.send(Target.say(room, quotes, null));
        }
        boolean all = stored.await(120, TimeUnit.SECONDS);
        System.err.printf(
                Locale.ROOT,
                "attack room %s: %d of %d messages stored%n",
                room,
                messages - stored.getCount(),
                messages);
        fillers.forEach(Client::close);
        if (!all) {
            throw new IllegalStateException("the attack room was not filled: " + stored.getCount() + " missing");
        }
    }

    static long outOfMemoryErrors(String log) throws IOException {
        if (log.isBlank() || !Files.exists(Path.of(log))) {
            return -1;
        }
        long count = 0;
        try (BufferedReader lines = Files.newBufferedReader(Path.of(log), StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.contains("OutOfMemoryError")) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The server's -Xmx in MiB from its command line (the last one counts, as in the JVM); -1 if none. */
    static long heapLimitMib(String command) {
        Matcher m = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)(?=\\s|$)").matcher(command);
        long mib = -1;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            mib = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "g" -> n * 1024;
                case "m" -> n;
                case "k" -> n / 1024;
                default -> n / (1024 * 1024);
            };
        }
        return mib;
    }

    private static String leave(String room) {
        return "{\"type\":\"leave\",\"room\":\"" + room + "\"}";
    }

    /**
     * Creates rooms and posts {@code --room-messages} (50) maximum-size messages into each, staying a member; a post
     * refused for a full store or a store timeout is resent with its ref until the room has them all.
     */
    private final class Fillers implements Attack.Behaviour {
        private final int perRoom = options.integer("room-messages", 50);
        private final int roomsPerConnection = options.integer("rooms-per-connection", 50);

        private final class Filling {
            final Pace say = Hostile.this.say.bucket();
            final Pace commands = Hostile.this.commands.bucket();
            final Deque<String> rooms = new ArrayDeque<>();
            /** Posts refused for a full store or a store timeout: resent with their ref, as the protocol says. */
            final Deque<String> resend = new ArrayDeque<>();

            String room;
            boolean wantRoom = true;
            boolean inRoom;
            int sent;
            int stored;
        }

        @Override
        public void welcomed(Attack.Slot slot) {
            slot.session = new Filling();
        }

        @Override
        public void onFrame(Attack.Slot slot, String type, String frame) {
            Filling s = (Filling) slot.session;
            if (s == null) {
                return;
            }
            synchronized (s) {
                onFrame(slot, s, type, frame);
            }
        }

        private void onFrame(Attack.Slot slot, Filling s, String type, String frame) {
            if (s.room == null || !s.room.equals(Json.string(frame, "room"))) {
                return;
            }
            if ("joined".equals(type)) {
                slot.attack().count(Json.number(frame, "last") == 0 ? "rooms_created" : "rooms_joined_not_new");
                s.rooms.add(s.room);
                s.inRoom = true;
            } else if ("error".equals(type) && "join".equals(Json.string(frame, "for"))) {
                slot.attack().count("joins_refused");
                s.wantRoom = true; // rooms.max, or the connection's room limit: tried again at the command rate
            } else if ("message".equals(type) && slot.user().equals(Json.string(frame, "from"))) {
                slot.attack().count("messages_stored");
                if (++s.stored >= perRoom) {
                    s.inRoom = false;
                    s.wantRoom = true;
                    s.resend.clear();
                }
            } else if ("error".equals(type) && "say".equals(Json.string(frame, "for"))) {
                String code = String.valueOf(Json.string(frame, "code"));
                if ((code.equals("rate_limited") || code.equals("internal")) && Json.string(frame, "ref") != null) {
                    slot.attack().count("posts_refused_resent");
                    s.resend.add(Json.string(frame, "ref"));
                } else {
                    slot.attack().count("posts_refused");
                    s.inRoom = false; // refused for good (muted, not a member …): on to the next room
                    s.wantRoom = true;
                }
            }
        }

        @Override
        public void tick(Attack.Slot slot) {
            Filling s = (Filling) slot.session;
            if (s == null) {
                return;
            }
            synchronized (s) {
                tick(slot, s);
            }
        }

        private void tick(Attack.Slot slot, Filling s) {
            if (s.wantRoom && s.commands.take()) {
                if (s.rooms.size() >= roomsPerConnection) {
                    slot.send(leave(s.rooms.poll())); // one more room needs one fewer: leave the oldest
                    return;
                }
                s.room = "f" + run + "-" + Long.toString(roomNames.incrementAndGet(), 36);
                s.wantRoom = false;
                s.sent = 0;
                s.stored = 0;
                s.resend.clear();
                slot.send(Target.join(s.room));
            }
            while (s.inRoom && (!s.resend.isEmpty() || s.sent < perRoom) && s.say.take()) {
                String ref = s.resend.isEmpty() ? s.room + "-" + s.sent++ : s.resend.poll();
                slot.send(Target.say(s.room, quotes, ref));
            }
        }
    }

    /** In the attack room, {@code history} of {@code --history-limit} (200), before and after in turn. */
    private final class Bombers implements Attack.Behaviour {
        private final String room;
        private final int limit = options.integer("history-limit", 200);

        Bombers(String room) {
            this.room = room;
        }

        private final class Bombing {
            final Pace commands = Hostile.this.commands.bucket();
            volatile long last = -1;
            long asked;
        }

        @Override
        public void welcomed(Attack.Slot slot) {
            Bombing s = new Bombing();
            s.commands.take();
            slot.session = s;
            slot.send(Target.join(room));
        }

        @Override
        public void onFrame(Attack.Slot slot, String type, String frame) {
            Bombing s = (Bombing) slot.session;
            if ("joined".equals(type) && s != null) {
                s.last = Json.number(frame, "last");
            } else if ("history".equals(type)) {
                slot.attack().count("history_replies");
                slot.attack().add("history_reply_chars", frame.length());
            }
        }

        @Override
        public void tick(Attack.Slot slot) {
            Bombing s = (Bombing) slot.session;
            if (s == null || s.last < 0) {
                return;
            }
            while (s.commands.take()) {
                boolean before = s.asked++ % 2 == 0;
                slot.send("{\"type\":\"history\",\"room\":\"" + room + "\",\"" + (before ? "before" : "after") + "\":"
                        + (before ? s.last + 1 : 0) + ",\"limit\":" + limit + "}");
                slot.attack().count("history_asked");
            }
        }
    }

    /** Keeps the attack room busy with maximum-size messages at the posting rate, for the slow readers in it. */
    private final class Posters implements Attack.Behaviour {
        private final String room;

        Posters(String room) {
            this.room = room;
        }

        @Override
        public void welcomed(Attack.Slot slot) {
            slot.send(Target.join(room));
        }

        @Override
        public void onFrame(Attack.Slot slot, String type, String frame) {
            if ("joined".equals(type)) {
                slot.session = Hostile.this.say.bucket();
            } else if ("message".equals(type) && slot.user().equals(Json.string(frame, "from"))) {
                slot.attack().count("messages_stored");
            }
        }

        @Override
        public void tick(Attack.Slot slot) {
            Pace pace = (Pace) slot.session;
            while (pace != null && pace.take()) {
                slot.send(Target.say(room, quotes, null));
            }
        }
    }

    /** Holds its connection and does nothing (the JDK client answers the server's pings). */
    private static final class Holders implements Attack.Behaviour {
        @Override
        public void welcomed(Attack.Slot slot) {}

        @Override
        public void onFrame(Attack.Slot slot, String type, String frame) {}

        @Override
        public void tick(Attack.Slot slot) {}
    }
}
