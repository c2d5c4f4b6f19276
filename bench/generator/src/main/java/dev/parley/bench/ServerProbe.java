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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server process on this machine: CPU seconds and RSS from {@code /proc/PID}, a full GC through {@code jcmd},
 * the heap from Parley's {@code /api/metrics}. The PID is {@code --server-pid}, else the process listening on the
 * URL's port (found through {@code /proc/net/tcp} and the processes' socket descriptors).
 */
final class ServerProbe {

    private static final long CLOCK_TICKS = 100;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final long pid;
    private final URI metrics;

    private ServerProbe(long pid, URI metrics) {
        this.pid = pid;
        this.metrics = metrics;
    }

    static ServerProbe of(Options options, Target target) throws IOException {
        long pid = options.integer("server-pid", -1);
        int port = target.url().getPort() == -1 ? 80 : target.url().getPort();
        if (pid < 0) {
            pid = listening(port);
        }
        URI metrics = URI.create(options.string(
                "metrics-url", target.httpBase().resolve("api/metrics").toString()));
        return new ServerProbe(pid, metrics);
    }

    /** utime + stime of the server, in seconds. */
    double cpuSeconds() {
        return cpuSeconds(Long.toString(pid));
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

    long rssBytes() {
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

    /** Runs a full GC in the server ({@code jcmd PID GC.run}); false when jcmd could not. */
    boolean fullGc() {
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

    /** Every sample of {@code /api/metrics}; empty when the server has none (e.g. not Parley). */
    Map<String, Double> metrics() {
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
