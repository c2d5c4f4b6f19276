package dev.parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server process on this machine: CPU seconds and RSS from {@code /proc/PID}, a full GC through {@code jcmd},
 * the heap from Parley's {@code /api/metrics}. The PID is {@code --server-pid}, else the process listening on the
 * URL's port (found through {@code /proc/net/tcp} and the processes' socket descriptors). A cluster is several
 * processes: {@code --server-pid A,B} or, without it, the process listening on each URL's port; CPU seconds, RSS and
 * the counters of {@code /api/metrics} are then the sums over them. {@code --side-pids NAME=PID,…} names other
 * processes the run depends on (Redis, PostgreSQL), whose CPU seconds (with their descendants') are reported apart.
 */
final class ServerProbe {

    private static final long CLOCK_TICKS = 100;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The first (or only) server process. */
    final long pid;

    final List<Long> pids;
    private final List<URI> metrics;
    private final Map<String, Long> sides;

    private ServerProbe(List<Long> pids, List<URI> metrics, Map<String, Long> sides) {
        this.pid = pids.get(0);
        this.pids = pids;
        this.metrics = metrics;
        this.sides = sides;
    }

    static ServerProbe of(Options options, Target target) throws IOException {
        List<Long> pids = new ArrayList<>();
        String given = options.string("server-pid", "");
        if (!given.isBlank()) {
            for (String one : given.split(",")) {
                pids.add(Long.parseLong(one.trim()));
            }
        } else {
            for (URI url : new LinkedHashSet<>(target.urls())) {
                long pid = listening(url.getPort() == -1 ? 80 : url.getPort());
                if (!pids.contains(pid)) {
                    pids.add(pid);
                }
            }
        }
        List<URI> metrics = options.all().containsKey("metrics-url")
                ? List.of(URI.create(options.string("metrics-url", "")))
                : target.httpBases().stream()
                        .distinct()
                        .map(base -> base.resolve("api/metrics"))
                        .toList();
        Map<String, Long> sides = new LinkedHashMap<>();
        for (String side : options.string("side-pids", "").split(",")) {
            if (!side.isBlank()) {
                int eq = side.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--side-pids is NAME=PID,…, got " + side);
                }
                sides.put(
                        side.substring(0, eq).trim(),
                        Long.parseLong(side.substring(eq + 1).trim()));
            }
        }
        return new ServerProbe(List.copyOf(pids), metrics, sides);
    }

    /** utime + stime of the server (of every server process), in seconds. */
    double cpuSeconds() {
        double sum = 0;
        for (long one : pids) {
            sum += cpuSeconds(Long.toString(one));
        }
        return sum;
    }

    /** utime + stime of each server process, in the order of {@link #pids}. */
    List<Double> cpuSecondsByProcess() {
        return pids.stream().map(one -> cpuSeconds(Long.toString(one))).toList();
    }

    /** The side processes' CPU seconds, each with its descendants' (a PostgreSQL's backends), by name. */
    Map<String, Double> sideCpuSeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (sides.isEmpty()) {
            return out;
        }
        Map<Long, Long> parents = parents();
        sides.forEach((name, root) -> {
            double sum = 0;
            for (Map.Entry<Long, Long> process : parents.entrySet()) {
                if (descends(process.getKey(), root, parents)) {
                    sum += cpuSeconds(Long.toString(process.getKey()));
                }
            }
            out.put(name, sum);
        });
        return out;
    }

    private static boolean descends(long process, long root, Map<Long, Long> parents) {
        for (int depth = 0; depth < 64 && process > 1; depth++) {
            if (process == root) {
                return true;
            }
            process = parents.getOrDefault(process, 0L);
        }
        return false;
    }

    /** Every process's parent, from {@code /proc/PID/stat}. */
    private static Map<Long, Long> parents() {
        Map<Long, Long> parents = new HashMap<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes
                    .filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    parents.put(Long.parseLong(process.getFileName().toString()), Long.parseLong(fields[1]));
                } catch (IOException | RuntimeException gone) {
                    // a process that ended meanwhile
                }
            }
        } catch (IOException unreadable) {
            // no /proc: no side figures
        }
        return parents;
    }

    /**
     * utime + stime of this generator process, in seconds: reported beside the server's, so that a reader sees which
     * of the two was the bound on the shared cores.
     */
    static double generatorCpuSeconds() {
        return cpuSeconds("self");
    }

    private static double cpuSeconds(String process) {
        try {
            String stat = Files.readString(Path.of("/proc/" + process + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException unreadable) {
            return Double.NaN;
        }
    }

    /** The RSS of every server process, summed; -1 when none could be read. */
    long rssBytes() {
        long sum = -1;
        for (long one : pids) {
            long rss = rssBytes(one);
            if (rss >= 0) {
                sum = Math.max(sum, 0) + rss;
            }
        }
        return sum;
    }

    private static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // no such process: reported as -1
        }
        return -1;
    }

    /** Runs a full GC in every server process ({@code jcmd PID GC.run}); false when jcmd could not. */
    boolean fullGc() {
        boolean all = true;
        for (long one : pids) {
            all &= fullGc(one);
        }
        return all;
    }

    private static boolean fullGc(long pid) {
        try {
            String jcmd =
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process process = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Every sample of {@code /api/metrics}; empty when the server has none (e.g. not Parley). Several nodes: each
     * sample summed over the nodes that answered (a counter of the cluster, a sum of the heaps).
     */
    Map<String, Double> metrics() {
        if (metrics.size() == 1) {
            return metrics(metrics.get(0));
        }
        Map<String, Double> sum = new LinkedHashMap<>();
        for (URI node : metrics) {
            metrics(node).forEach((key, value) -> sum.merge(key, value, Double::sum));
        }
        return sum;
    }

    private static Map<String, Double> metrics(URI metrics) {
        Map<String, Double> samples = new LinkedHashMap<>();
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(metrics)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return samples;
            }
            for (String line : response.body().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
        } catch (IOException | RuntimeException unreachable) {
            return samples;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return samples;
    }

    /** Heap in use after a full GC, from the server's own metrics; -1 when unknown. */
    long heapAfterGc() {
        fullGc();
        return metrics()
                .getOrDefault("jvm_memory_used_bytes{area=\"heap\"}", -1.0)
                .longValue();
    }

    String command() {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline"))
                    .replace('\0', ' ')
                    .trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The {@code -Dparley.*} options on the server's command line. */
    List<String> parleySettings() {
        return Stream.of(command().split(" "))
                .filter(option -> option.startsWith("-Dparley."))
                .toList();
    }

    static long listening(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        String inode = null;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))
                    .subList(1, Files.readAllLines(Path.of(table)).size())) {
                String[] f = line.trim().split("\\s+");
                if (f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                    inode = f[9];
                }
            }
        }
        if (inode == null) {
            throw new IllegalStateException("nothing listens on port " + port + "; give --server-pid");
        }
        String socket = "socket:[" + inode + "]";
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes
                    .filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
                    if (fds.anyMatch(fd -> socket.equals(link(fd)))) {
                        return Long.parseLong(process.getFileName().toString());
                    }
                } catch (IOException | SecurityException gone) {
                    // a process that ended or is not ours
                }
            }
        }
        throw new IllegalStateException("no process found for port " + port + "; give --server-pid");
    }

    private static String link(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
