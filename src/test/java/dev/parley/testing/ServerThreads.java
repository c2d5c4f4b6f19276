package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A thread dump of the server JVM listening on a local port ({@code ss -ltnp} finds it, {@code jcmd Thread.print}
 * dumps it): lets a test show that no server thread is stuck somewhere, e.g. on a client that stopped reading.
 */
public final class ServerThreads {

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");

    private final long pid;

    private ServerThreads(long pid) {
        this.pid = pid;
    }

    /** The JVM listening on that port, when {@code ss} can name it (same user) and it is a JVM. */
    public static Optional<ServerThreads> ofHttpPort(int port) {
        String listening = run("ss", "-Hltnp", "sport = :" + port);
        Matcher pid = PID.matcher(listening);
        if (!pid.find()) {
            System.out.println("ServerThreads: no process found listening on " + port + ": " + listening);
            return Optional.empty();
        }
        return Optional.of(new ServerThreads(Long.parseLong(pid.group(1))));
    }

    public long pid() {
        return pid;
    }

    /**
     * The threads whose stack has a frame from {@code packagePrefix} and that are not running: waiting, parked,
     * blocked or sleeping there (one line each: the thread's header and its topmost frames).
     */
    public List<String> parkedIn(String packagePrefix) {
        String dump = run("jcmd", Long.toString(pid), "Thread.print");
        List<String> parked = new ArrayList<>();
        for (String thread : dump.split("\n\n")) {
            if (!thread.startsWith("\"") || !thread.contains("at " + packagePrefix)) {
                continue;
            }
            if (!thread.contains("java.lang.Thread.State: RUNNABLE")) {
                parked.add(thread.lines().limit(12).reduce((a, b) -> a + " | " + b.trim()).orElse(thread));
            }
        }
        return parked;
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
