package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A look inside a server JVM with {@code jcmd}: a thread dump, to show that no server thread is stuck somewhere
 * (e.g. on a client that stopped reading), and the heap in use after a full GC, to show memory stays bounded. The
 * JVM is named by pid, or found as the one listening on a local port ({@code ss -ltnp}).
 */
public final class ServerJvm {

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    private final long pid;

    private ServerJvm(long pid) {
        this.pid = pid;
    }

    public static ServerJvm of(long pid) {
        return new ServerJvm(pid);
    }

    /** The JVM listening on that port, when {@code ss} can name it (same user) and it is a JVM. */
    public static Optional<ServerJvm> ofHttpPort(int port) {
        String listening = run("ss", "-Hltnp", "sport = :" + port);
        Matcher pid = PID.matcher(listening);
        if (!pid.find()) {
            System.out.println("ServerJvm: no process found listening on " + port + ": " + listening);
            return Optional.empty();
        }
        return Optional.of(new ServerJvm(Long.parseLong(pid.group(1))));
    }

    public long pid() {
        return pid;
    }

    /**
     * The threads whose stack has a frame from {@code packagePrefix} and that are not running: waiting, parked,
     * blocked or sleeping there (one line each: the thread's header and its topmost frames), leaving out the threads
     * whose dump (name and stack) contains any of {@code except}.
     */
    public List<String> parkedIn(String packagePrefix, String... except) {
        String dump = run("jcmd", Long.toString(pid), "Thread.print");
        List<String> parked = new ArrayList<>();
        for (String thread : dump.split("\n\n")) {
            if (!thread.startsWith("\"")
                    || !thread.contains("at " + packagePrefix)
                    || Arrays.stream(except).anyMatch(thread::contains)) {
                continue;
            }
            if (!thread.contains("java.lang.Thread.State: RUNNABLE")) {
                parked.add(thread.lines()
                        .limit(12)
                        .reduce((a, b) -> a + " | " + b.trim())
                        .orElse(thread));
            }
        }
        return parked;
    }

    /** Bytes of heap in use right after a full GC ({@code GC.run}, then {@code GC.heap_info}). */
    public long usedHeapAfterGc() {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap use in: " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
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
