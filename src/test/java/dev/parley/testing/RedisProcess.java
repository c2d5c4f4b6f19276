package dev.parley.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server (6.2, the binary {@code com.github.codemonstur:embedded-redis} ships in its jar) on a free
 * loopback port, bound to 127.0.0.1, keeping nothing on disk. The test starts it, kills it as a crash would
 * ({@link #kill()}: SIGKILL, the process gets no chance to say goodbye to its clients) and starts it again on the
 * same port. The process is this JVM's child, started here rather than by the library, whose {@code stop()} only
 * asks the server to end. A Redis that cannot start fails the test: never a skip.
 */
public final class RedisProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final String READY = "Ready to accept connections";
    private static final int OUTPUT_LINES_KEPT = 40;
    /** The exit status the JDK reports for a child ended by signal 9. */
    private static final int KILLED_BY_SIGKILL = 128 + 9;

    private static File executable;

    private final int port;
    private final Deque<String> output = new ArrayDeque<>();
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    /** A Redis not started yet, on a port free now (a test can point a client at it before it runs). */
    public static RedisProcess onFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new RedisProcess(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running Redis on a free port. */
    public static RedisProcess started() {
        RedisProcess redis = onFreePort();
        redis.start();
        return redis;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server on its port and returns once it accepts connections; fails loudly if it does not. */
    public synchronized RedisProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Redis on port " + port + " runs already (pid " + process.pid() + ")");
        }
        List<String> command = List.of(
                executable().getAbsolutePath(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no");
        CountDownLatch ready = new CountDownLatch(1);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("redis-server could not be started: " + command, e);
        }
        Process started = process;
        Thread reader = new Thread(() -> readOutput(started, ready), "redis-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                started.destroyForcibly();
                throw new AssertionError("redis-server on port " + port + " was not ready within " + START_TIMEOUT
                        + " (alive: " + started.isAlive() + "); its output: " + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.destroyForcibly();
            throw new AssertionError("interrupted while redis-server started", e);
        }
        return this;
    }

    private void readOutput(Process started, CountDownLatch ready) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (output) {
                    output.addLast(line);
                    if (output.size() > OUTPUT_LINES_KEPT) {
                        output.removeFirst();
                    }
                }
                if (line.contains(READY)) {
                    ready.countDown();
                }
            }
        } catch (IOException processGone) {
            // the output ends with the process
        }
    }

    /**
     * Sends the server one command on a connection of its own, as {@code redis-cli} would (which embedded-redis does
     * not ship), and returns the first line of the answer ({@code +OK}, {@code -ERR …}, {@code :1}, …).
     */
    public String command(String... args) {
        StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            request.append('$')
                    .append(arg.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(arg)
                    .append("\r\n");
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) KILL_TIMEOUT.toMillis());
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + " did not answer " + List.of(args), e);
        }
    }

    /** The last lines the server printed. */
    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** The server's process id while it runs. */
    public synchronized long pid() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("Redis on port " + port + " does not run");
        }
        return process.pid();
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * Kills the server with SIGKILL (on Linux {@code destroyForcibly} of a child process is {@code kill -9}) and waits
     * until it is gone; its clients see their connections reset.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        // SIGKILL ends a paused (SIGSTOP) process too
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("redis-server (pid " + process.pid() + ") still runs after SIGKILL");
            }
            if (process.exitValue() != KILLED_BY_SIGKILL) {
                throw new AssertionError("redis-server had ended before it was killed (exit " + process.exitValue()
                        + "); its output: " + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing redis-server", e);
        }
    }

    /**
     * Stops the server without ending it (SIGSTOP): its sockets stay open and the kernel still takes what clients
     * write, but nothing is answered, as from a Redis that hangs. {@link #resume()} lets it go on.
     */
    public void pause() {
        signal("STOP");
    }

    /** Lets a paused server go on (SIGCONT); it then answers what it was sent meanwhile. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        String pid = Long.toString(pid());
        try {
            // the shell's own kill: /bin/kill comes with procps, which a minimal machine may lack
            Process kill = new ProcessBuilder("sh", "-c", "kill -" + signal + " " + pid)
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(KILL_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while signalling redis-server", e);
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static synchronized File executable() {
        if (executable == null) {
            try {
                executable = ExecutableProvider.newJarResourceProvider().get();
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("the redis-server binary of embedded-redis could not be unpacked", e);
            }
        }
        return executable;
    }
}
