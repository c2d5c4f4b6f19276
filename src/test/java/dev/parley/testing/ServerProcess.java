package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server JVM with {@code parley.war} that a crash test starts, SIGKILLs and starts again on the same data.
 * <p>
 * Arquillian cannot do this: its containers own their processes and stop them cleanly. Each implementation launches the server JVM
 * itself, with no shell left in between, so {@link #pid()} is the JVM's and {@code kill -9} hits it. The server is
 * the one of the build's profile: system property {@code parley.it.server} ({@code wildfly}, the default,
 * {@code payara-micro}, {@code liberty}).
 */
public abstract class ServerProcess implements AutoCloseable {

    /** Generous: on a machine shared by several builds a WildFly boot has taken over three minutes. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("parley.it.start-timeout-s", 360));

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** The server's directory: configuration, deployment, data and {@code console.log}. */
    protected final Path base;
    /** The crash-test server's port offset: {@code parley.it.port-offset} + 100, clear of the Arquillian server. */
    protected final int portOffset;

    private Process process;

    protected ServerProcess(Path base, int portOffset) {
        this.base = base;
        this.portOffset = portOffset;
    }

    /**
     * The profile's server under {@code <build dir>/<name>/} with a fresh directory (previous runs' data removed) and
     * the built {@code parley.war} deployed. {@code settings} are extra JVM options, e.g.
     * {@code -Dparley.rate.say-per-second=1000}.
     */
    public static ServerProcess prepare(String name, String... settings) {
        return prepare(name, 100, settings);
    }

    /**
     * Like {@link #prepare(String, String...)}, with the ports moved {@code above} (at least 100, in steps of 50) over
     * {@code parley.it.port-offset}: several servers of one test (a cluster's nodes) each take their own.
     */
    public static ServerProcess prepare(String name, int above, String... settings) {
        Path buildDir = Path.of(required("parley.it.build-dir"));
        int offset = Integer.parseInt(System.getProperty("parley.it.port-offset", "0")) + above;
        String server = System.getProperty("parley.it.server", "wildfly");
        ServerProcess process = switch (server) {
            case "wildfly" -> new WildFlyProcess(buildDir.resolve(name), offset, List.of(settings));
            case "payara-micro" -> new PayaraMicroProcess(buildDir.resolve(name), offset, List.of(settings));
            case "liberty" -> new LibertyProcess(buildDir.resolve(name), offset, List.of(settings));
            default ->
                throw new IllegalStateException(
                        "parley.it.server=" + server + ": expected wildfly, payara-micro or liberty");
        };
        return laidOut(process);
    }

    /**
     * An Open Liberty node beside the build's servers, for a cluster of mixed nodes: the runtime the postgres profile
     * unpacks ({@code parley.it.cluster.liberty-home}) with a server made as an operator makes it, from
     * {@code server-config/liberty/} ({@code parley.it.cluster.liberty-config}) and the built {@code parley.war}.
     * Ports as in {@link #prepare(String, int, String...)}.
     */
    public static ServerProcess prepareLiberty(String name, int above, String... settings) {
        Path buildDir = Path.of(required("parley.it.build-dir"));
        int offset = Integer.parseInt(System.getProperty("parley.it.port-offset", "0")) + above;
        return laidOut(new LibertyProcess(
                buildDir.resolve(name),
                offset,
                List.of(settings),
                Path.of(required("parley.it.cluster.liberty-home")),
                Path.of(required("parley.it.cluster.liberty-config"))));
    }

    /**
     * Points the server (before {@link #start()}) at another database than the build's, {@code jdbcUrl} on the same
     * PostgreSQL with the same role, the way its operator does it.
     */
    public void useDatabase(String jdbcUrl) {
        throw new UnsupportedOperationException(serverName() + ": no other database is set up here");
    }

    /** {@code process} with a fresh directory (previous runs' data removed) and the built {@code parley.war}. */
    static <T extends ServerProcess> T laidOut(T process) {
        try {
            deleteTree(process.base);
            Files.createDirectories(process.base);
            process.layOut(Deployments.warFile().toPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out " + process.base, e);
        }
        return process;
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "system property " + property + " is not set: run the tests with mvn verify");
        }
        return value;
    }

    /** Writes the server's directory (an empty {@link #base} exists) with {@code war} deployed. */
    protected abstract void layOut(Path war) throws IOException;

    /** The server JVM's command line and environment; the JVM itself, not a script that forks one. */
    protected abstract ProcessBuilder command() throws IOException;

    /**
     * Adds a user to the server's own application realm the way its operator does (before {@link #start()}), in
     * the given groups: WildFly's {@code add-user.sh -a}, a {@code <user>} in Open Liberty's {@code security.xml}
     * basicRegistry, {@code create-file-user} in Payara Micro's post-boot command file.
     */
    public abstract void addApplicationUser(String user, String password, String... groups);

    /**
     * Includes one of the shipped server's optional configuration files (e.g. Liberty's {@code security.xml}) the way
     * its operator does (before {@link #start()}).
     */
    public void includeConfiguration(String file) {
        throw new UnsupportedOperationException(serverName() + ": no optional configuration files are shipped");
    }

    /** Starts {@link #command()} with its output appended to {@link #consoleLog()}. */
    protected Process launch() throws IOException {
        return command()
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()))
                .start();
    }

    /** The server's name in messages. */
    protected abstract String serverName();

    /** Ports that must be free before a start. */
    protected List<Integer> ports() {
        return List.of(httpPort());
    }

    /** Throws if the server reports that parley.war failed; called while waiting for the start. */
    protected void checkDeployment() throws IOException {}

    /** Called before every start, e.g. to clear the previous run's deployment markers. */
    protected void beforeStart() throws IOException {}

    /** Whether the server says it has finished starting; checked once {@code /} answers 200. */
    protected boolean started() throws IOException {
        return true;
    }

    protected int httpPort() {
        return 8080 + portOffset;
    }

    /** Starts the server JVM on the existing directory and returns once Parley answers at {@code /}. */
    public void start() {
        if (isRunning()) {
            throw new IllegalStateException("already running, pid " + process.pid());
        }
        ports().forEach(ServerProcess::requireFreePort);
        try {
            beforeStart();
            process = launch();
            awaitParley();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + serverName(), e);
        }
    }

    private static void requireFreePort(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "port " + port + " is in use: another server is running there"
                            + " (move this build's ports with -Dparley.it.port-offset=N)",
                    e);
        }
    }

    /**
     * Waits until {@code GET /} answers 200 (Parley's page) and the server {@link #started() says it has started}:
     * the server is up and parley.war deployed.
     */
    private void awaitParley() {
        HttpClient client = Http.builder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(httpUri())
                .timeout(Duration.ofSeconds(10))
                .build();
        Poll.until(
                START_TIMEOUT,
                () -> startingStatus(client, request),
                status -> status == 200 && hasStarted(),
                status -> httpUri() + " did not answer 200 (last status " + status + ")" + logTail());
    }

    /** The status of {@code GET /}, 0 while nothing answers; throws once the server cannot start any more. */
    private int startingStatus(HttpClient client, HttpRequest request) {
        try {
            checkDeployment();
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        serverName() + " exited with " + process.exitValue() + " while starting" + logTail());
            }
            try {
                return client.send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException notYet) {
                return 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean hasStarted() {
        try {
            return started();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kill -9} of the server JVM; returns once it is gone. */
    public void kill() {
        if (!isRunning()) {
            throw new IllegalStateException(serverName() + " is not running");
        }
        long pid = process.pid();
        String command = process.info().command().orElse("?");
        if (!command.endsWith("/java")) {
            throw new IllegalStateException("pid " + pid + " is " + command + ", not the server JVM");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid))
                    .inheritIO()
                    .start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -KILL " + pid + " failed");
            }
            int exit = process.onExit()
                    .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .exitValue();
            if (exit != 128 + 9) {
                throw new IllegalStateException(
                        serverName() + " (pid " + pid + ") ended with " + exit + ", not by SIGKILL");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(serverName() + " (pid " + pid + ") still running after SIGKILL", e);
        }
    }

    /** A clean shutdown (SIGTERM), then SIGKILL if it hangs; safe to call when not running. */
    public void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        try {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + httpPort() + "/");
    }

    /** What the server printed to its console so far, over all its starts. */
    public String consoleOutput() {
        try {
            return Files.readString(consoleLog(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected Path consoleLog() {
        return base.resolve("console.log");
    }

    protected String logTail() {
        try {
            List<String> lines = Files.readAllLines(consoleLog(), StandardCharsets.UTF_8);
            return "\n--- last lines of " + consoleLog() + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return " (no console log: " + e + ")";
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path root) throws IOException {
        if (Files.notExists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
