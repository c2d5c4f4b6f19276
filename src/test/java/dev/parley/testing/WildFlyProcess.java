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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.wildfly.core.launcher.Launcher;
import org.wildfly.core.launcher.StandaloneCommandBuilder;

/**
 * A WildFly server JVM that a crash test starts, SIGKILLs and starts again on the same data.
 * <p>
 * Arquillian cannot do this: its managed container owns the process and stops it cleanly. Here the JVM is launched
 * directly (no {@code standalone.sh} in between, so the PID is the server's own and {@code kill -9} hits the JVM),
 * from the unpacked dist, with its own server base directory: a copy of {@code standalone/configuration}, a
 * {@code deployments} directory holding {@code parley.war}, and a data directory that survives restarts.
 */
public final class WildFlyProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final String WAR = "parley.war";

    private final Path home;
    private final Path base;
    private final int portOffset;
    private final List<String> javaOptions;
    private final String serverConfig;
    private Process process;

    private WildFlyProcess(Path home, Path base, int portOffset, List<String> javaOptions, String serverConfig) {
        this.home = home;
        this.base = base;
        this.portOffset = portOffset;
        this.javaOptions = javaOptions;
        this.serverConfig = serverConfig;
    }

    /**
     * A server under {@code <build dir>/<name>/} with a fresh base directory (previous runs' data removed) and the
     * built {@code parley.war} deployed. Its ports are moved by {@code parley.it.port-offset} + 100, clear of the
     * Arquillian server. {@code settings} are extra JVM options, e.g. {@code -Dparley.rate.say-per-second=1000}.
     * Like the Arquillian server it runs the configuration {@code parley.it.server-config} (default
     * {@code standalone.xml}) with the JVM options {@code parley.it.server-options}, which {@link PostgresSession}
     * sets for PostgreSQL.
     */
    public static WildFlyProcess prepare(String name, String... settings) {
        Path home = Path.of(required("jboss.home"));
        Path buildDir = Path.of(required("parley.it.build-dir"));
        int offset = Integer.parseInt(System.getProperty("parley.it.port-offset", "0")) + 100;
        List<String> options = new ArrayList<>(List.of(
                "-Xms64m", "-Xmx512m", "-Djava.net.preferIPv4Stack=true",
                "-Djboss.socket.binding.port-offset=" + offset));
        String serverOptions = System.getProperty("parley.it.server-options", "").trim();
        if (!serverOptions.isEmpty()) {
            options.addAll(List.of(serverOptions.split("\\s+")));
        }
        options.addAll(List.of(settings));
        WildFlyProcess server = new WildFlyProcess(home, buildDir.resolve(name).resolve("standalone"), offset, options,
                System.getProperty("parley.it.server-config", "standalone.xml"));
        server.layOut(Deployments.warFile().toPath());
        return server;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests with mvn verify");
        }
        return value;
    }

    private void layOut(Path war) {
        try {
            deleteTree(base);
            copyTree(home.resolve("standalone").resolve("configuration"), base.resolve("configuration"));
            dropManagedDeployments(base.resolve("configuration").resolve("standalone.xml"));
            Files.createDirectories(base.resolve("deployments"));
            Files.createDirectories(base.resolve("data"));
            Files.copy(war, base.resolve("deployments").resolve(WAR), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out " + base, e);
        }
    }

    /** Deployments a server recorded in its standalone.xml have their content in its data directory, not here. */
    private static void dropManagedDeployments(Path standaloneXml) throws IOException {
        String xml = Files.readString(standaloneXml, StandardCharsets.UTF_8);
        String withoutDeployments = xml.replaceAll("(?s)\\s*<deployments>.*?</deployments>", "");
        if (!withoutDeployments.equals(xml)) {
            Files.writeString(standaloneXml, withoutDeployments, StandardCharsets.UTF_8);
        }
    }

    /** Starts the server JVM on the existing base directory and returns once parley.war is deployed. */
    public void start() {
        if (isRunning()) {
            throw new IllegalStateException("already running, pid " + process.pid());
        }
        requireFreePort(8080 + portOffset);
        requireFreePort(9990 + portOffset);
        try {
            clearDeploymentMarkers();
            StandaloneCommandBuilder command = StandaloneCommandBuilder.of(home)
                    .setJavaHome(System.getProperty("java.home"))
                    .setBaseDirectory(base)
                    .setServerConfiguration(serverConfig)
                    .addJavaOptions(javaOptions);
            process = Launcher.of(command)
                    .setRedirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()))
                    .launch();
            awaitDeployment();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start WildFly from " + home, e);
        }
    }

    private static void requireFreePort(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is in use: another server is running there"
                    + " (move this build's ports with -Dparley.it.port-offset=N)", e);
        }
    }

    private void clearDeploymentMarkers() throws IOException {
        try (Stream<Path> files = Files.list(base.resolve("deployments"))) {
            for (Path marker : files.filter(f -> f.getFileName().toString().startsWith(WAR + ".")).toList()) {
                Files.delete(marker);
            }
        }
    }

    private void awaitDeployment() throws IOException {
        Path deployed = base.resolve("deployments").resolve(WAR + ".deployed");
        Path failed = base.resolve("deployments").resolve(WAR + ".failed");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!Files.exists(deployed)) {
            if (Files.exists(failed)) {
                throw new IllegalStateException("parley.war failed to deploy: "
                        + Files.readString(failed, StandardCharsets.UTF_8) + logTail());
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("WildFly exited with " + process.exitValue() + " while starting" + logTail());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("parley.war not deployed within " + START_TIMEOUT + logTail());
            }
            pause();
        }
        awaitHttp(deadline);
    }

    private void awaitHttp(Instant deadline) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(httpUri()).timeout(Duration.ofSeconds(10)).build();
        while (true) {
            try {
                client.send(request, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(httpUri() + " does not answer" + logTail(), e);
                }
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Polling an external process's progress has no event to wait on; a short pause between looks is all. */
    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code kill -9} of the server JVM, no shutdown hooks, no clean close; returns once the process is gone. */
    public void kill() {
        if (!isRunning()) {
            throw new IllegalStateException("not running");
        }
        long pid = process.pid();
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -KILL " + pid + " failed");
            }
            int exit = process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).exitValue();
            if (exit != 128 + 9) {
                throw new IllegalStateException("WildFly (pid " + pid + ") ended with " + exit + ", not by SIGKILL");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("WildFly (pid " + pid + ") still running after SIGKILL", e);
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
        return URI.create("http://127.0.0.1:" + (8080 + portOffset) + "/");
    }

    /** The server's data directory ({@code jboss.server.data.dir}); it survives {@link #kill()} and {@link #start()}. */
    public Path dataDirectory() {
        return base.resolve("data");
    }

    /** What the server printed to its console so far, over all its starts. */
    public String consoleOutput() {
        try {
            return Files.readString(consoleLog(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path consoleLog() {
        return base.resolve("console.log");
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(consoleLog(), StandardCharsets.UTF_8);
            return "\n--- last lines of " + consoleLog() + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return " (no console log: " + e + ")";
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
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

    private static void deleteTree(Path root) throws IOException {
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
