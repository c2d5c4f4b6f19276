package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A look inside a server JVM with {@code jcmd}: a thread dump, to show that no server thread is stuck somewhere
 * (e.g. on a client that stopped reading), and the heap in use after a full GC, to show memory stays bounded. The
 * JVM is named by pid, or found as the one listening on a local port.
 */
public final class ServerJvm {

    /** The state column of {@code /proc/net/tcp} for a listening socket. */
    private static final String LISTEN = "0A";

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    private final long pid;

    private ServerJvm(long pid) {
        this.pid = pid;
    }

    public static ServerJvm of(long pid) {
        return new ServerJvm(pid);
    }

    /**
     * The JVM listening on that local port, found as {@code ss -p} finds it: the socket's inode in
     * {@code /proc/net/tcp*}, then the process holding that inode among its file descriptors. Fails when there is none.
     */
    public static ServerJvm ofHttpPort(int port) {
        List<String> inodes = listeningInodes(port);
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes
                    .filter(process -> process.getFileName().toString().matches("\\d+"))
                    .filter(process -> holdsAny(process, inodes))
                    .map(process ->
                            new ServerJvm(Long.parseLong(process.getFileName().toString())))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "no process holds the socket listening on port " + port + " (inodes " + inodes + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> listeningInodes(int port) {
        String local = String.format(":%04X", port);
        List<String> inodes = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 9 && fields[1].endsWith(local) && LISTEN.equals(fields[3])) {
                        inodes.add(fields[9]);
                    }
                }
            } catch (NoSuchFileException noIpv6) {
                // a kernel without IPv6 has no tcp6 table
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (inodes.isEmpty()) {
            throw new AssertionError("nothing listens on port " + port);
        }
        return inodes;
    }

    private static boolean holdsAny(Path process, List<String> inodes) {
        try (Stream<Path> descriptors = Files.list(process.resolve("fd"))) {
            return descriptors.anyMatch(descriptor -> {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    return inodes.stream().anyMatch(inode -> target.equals("socket:[" + inode + "]"));
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            });
        } catch (IOException | UncheckedIOException goneOrNotOurs) {
            return false;
        }
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
