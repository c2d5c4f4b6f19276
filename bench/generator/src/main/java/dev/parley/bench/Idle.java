package dev.parley.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * N connections join rooms and stay quiet; the server's heap after a full GC and its RSS, before and after, divided
 * by N. Over {@code --procs} processes when one process cannot hold them (about 19,900 sockets each here): this
 * process opens its share and starts the others as {@code hold} children of the same jar.
 *
 * <p>Options: {@code --connections 10000 --rooms 100 --procs 1 --quiet 10}.
 */
final class Idle implements Client.Handler {

    private final LongAdder closed = new LongAdder();
    private final java.util.Map<String, LongAdder> closeCodes = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean finished;

    @Override
    public void onFrame(Client client, String frame) {}

    @Override
    public void onClose(Client client, int code, String reason) {
        if (!finished) {
            closed.increment();
            closeCodes
                    .computeIfAbsent(code + " " + reason, c -> new LongAdder())
                    .increment();
        }
    }

    void run(Options options, Target target) throws Exception {
        int connections = options.integer("connections", 10_000);
        int rooms = options.integer("rooms", 100);
        int procs = options.integer("procs", 1);
        int quiet = options.integer("quiet", 10);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        ServerProbe server = ServerProbe.of(options, target);
        Results results = new Results(options, target, server);
        settle(server, options.integer("settle", 6));
        long heapBefore = server.heapAfterGc();
        long rssBefore = server.rssBytes();

        int share = (connections + procs - 1) / procs;
        List<Process> children = new ArrayList<>();
        for (int p = 1; p < procs; p++) {
            int from = p * share;
            int count = Math.min(share, connections - from);
            children.add(hold(options, target, run, from, count, rooms));
        }
        Fleet fleet = new Fleet(target, "i" + run + "-", options.integer("concurrency", 200), Connector.of(options));
        long start = System.nanoTime();
        List<Client> mine = fleet.open(
                0,
                Math.min(share, connections),
                i -> "i" + run + "-" + i % rooms,
                this,
                options.integer("connect-timeout", 600));
        for (Process child : children) {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                System.err.println("hold: " + line);
            }
            if (line == null) {
                throw new IllegalStateException("a hold process ended before its connections were ready");
            }
        }
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        System.err.printf(
                Locale.ROOT, "%d connections ready in %.1f s; quiet for %d s%n", connections, connectSeconds, quiet);
        Thread.sleep(TimeUnit.SECONDS.toMillis(quiet));
        long heapAfter = server.heapAfterGc();
        long rssAfter = server.rssBytes();
        Map<String, Double> metrics = server.metrics();

        Map<String, Object> f = results.figures;
        f.put("connections", connections);
        f.put("processes", procs);
        f.put("connect_seconds", connectSeconds);
        f.put("server_connections_reported", metrics.getOrDefault("parley_connections", Double.NaN));
        f.put("heap_before_bytes", heapBefore);
        f.put("heap_after_bytes", heapAfter);
        f.put("heap_per_connection_bytes", (heapAfter - heapBefore) / (double) connections);
        f.put("rss_before_bytes", rssBefore);
        f.put("rss_after_bytes", rssAfter);
        f.put("rss_per_connection_bytes", (rssAfter - rssBefore) / (double) connections);
        f.put("closed_by_server", closed.sum());
        java.util.Map<String, Object> codes = new java.util.TreeMap<>();
        closeCodes.forEach((code, count) -> codes.put(code, count.sum()));
        f.put("closes_by_code", codes);
        String summary = String.format(
                Locale.ROOT,
                "idle %s %s: %d connections in %d rooms: heap/conn=%.1f KB (after GC: %d -> %d MB) rss/conn=%.1f KB "
                        + "(%d -> %d MB) closed=%d %s",
                target.kind(),
                options.string("server-label", "?"),
                connections,
                rooms,
                (heapAfter - heapBefore) / 1024.0 / connections,
                heapBefore >> 20,
                heapAfter >> 20,
                (rssAfter - rssBefore) / 1024.0 / connections,
                rssBefore >> 20,
                rssAfter >> 20,
                closed.sum(),
                closeCodes.isEmpty() ? "" : codes);
        finished = true;
        mine.forEach(Client::abort);
        for (Process child : children) {
            child.getOutputStream().close();
            child.waitFor(30, TimeUnit.SECONDS);
            child.destroy();
        }
        results.finish(options, summary);
    }

    /**
     * Waits until the server holds no chat connection of an earlier run (a dropped client is released when the
     * server notices), then past the presence grace that keeps a departed member: the baseline is an idle server.
     */
    private static void settle(ServerProbe server, int graceSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.metrics().getOrDefault("parley_connections", 0.0) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(graceSeconds));
    }

    private static Process hold(Options options, Target target, String run, int from, int count, int rooms)
            throws java.io.IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + options.string("child-heap", "2g")));
        // the children connect the same way: bench.source-addresses, bench.selectors, …
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bench."))
                .sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Bench.class.getName(),
                "hold",
                "--target",
                target.kind(),
                "--url",
                target.url().toString(),
                "--run",
                run,
                "--from",
                Integer.toString(from),
                "--count",
                Integer.toString(count),
                "--rooms",
                Integer.toString(rooms),
                "--client",
                options.string("client", "jdk")));
        return new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** The child side: open the connections, say READY, hold them until standard input closes. */
    static void holdChild(Options options, Target target) throws Exception {
        String run = options.string("run", "x");
        int rooms = options.integer("rooms", 100);
        Fleet fleet = new Fleet(target, "i" + run + "-", options.integer("concurrency", 200), Connector.of(options));
        List<Client> clients = fleet.open(
                options.integer("from", 0),
                options.integer("count", 1000),
                i -> "i" + run + "-" + i % rooms,
                new Idle(),
                options.integer("connect-timeout", 600));
        System.out.println("READY " + clients.size());
        System.out.flush();
        while (System.in.read() >= 0) {
            // held until the parent closes our input
        }
        clients.forEach(Client::abort);
    }
}
