package dev.parley.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Open Liberty from the unpacked runtime ({@code liberty.home}), with a server made as the README tells operators
 * to: the files of {@code server-config/liberty/} ({@code parley.it.liberty-config}), {@code parley.war} in
 * {@code apps/}, the JDBC driver jars in {@code lib/}; its own user directory {@code <name>/wlp-usr}. It runs with
 * {@code bin/server run}, which ends in {@code exec java}: the process is the server JVM. Ports and test settings
 * come from {@code bootstrap.properties} and {@code JVM_ARGS}.
 */
final class LibertyProcess extends ServerProcess {

    private static final String SERVER = "parley";

    private final Path home;
    private final Path config;
    private final List<String> settings;

    LibertyProcess(Path base, int portOffset, List<String> settings) {
        super(base, portOffset);
        this.home = Path.of(required("liberty.home"));
        this.config = Path.of(required("parley.it.liberty-config"));
        this.settings = settings;
    }

    @Override
    protected String serverName() {
        return "Open Liberty";
    }

    private Path userDir() {
        return base.resolve("wlp-usr");
    }

    private Path serverDir() {
        return userDir().resolve("servers").resolve(SERVER);
    }

    @Override
    protected void layOut(Path war) throws IOException {
        Path server = serverDir();
        copyTree(config, server);
        Files.createDirectories(server.resolve("apps"));
        Files.copy(war, server.resolve("apps").resolve("parley.war"), StandardCopyOption.REPLACE_EXISTING);
        // the JDBC driver jars the build put beside the Arquillian server (the H2 jar)
        Path drivers =
                home.resolve("usr").resolve("servers").resolve("parley-it").resolve("lib");
        Files.createDirectories(server.resolve("lib"));
        try (Stream<Path> jars = Files.list(drivers)) {
            for (Path jar : jars.filter(f -> f.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, server.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(
                server.resolve("bootstrap.properties"),
                "parley.http.host=127.0.0.1\nparley.http.port=" + httpPort() + "\nparley.https.port="
                        + (8443 + portOffset) + "\n",
                StandardCharsets.UTF_8);
    }

    private long logStart;

    @Override
    protected void beforeStart() throws IOException {
        logStart = Files.exists(consoleLog()) ? Files.size(consoleLog()) : 0;
    }

    /**
     * Liberty serves the WAR's static {@code /} before the application has finished starting (seen on a loaded
     * machine: {@code /chat} still answered 404 then), so the start is complete only when this start's console
     * output (appended per start; messages.log is rotated at each start) says the application started.
     */
    @Override
    protected boolean started() throws IOException {
        if (!Files.exists(consoleLog())) {
            return false;
        }
        byte[] log = Files.readAllBytes(consoleLog());
        int from = (int) Math.min(logStart, log.length);
        return new String(log, from, log.length - from, StandardCharsets.UTF_8)
                .contains("CWWKZ0001I: Application parley started");
    }

    /** Liberty's console shows AUDIT and above; INFO lines such as Parley's database line go to messages.log. */
    @Override
    public String consoleOutput() {
        Path messages = serverDir().resolve("logs").resolve("messages.log");
        try {
            return super.consoleOutput()
                    + (Files.exists(messages) ? Files.readString(messages, StandardCharsets.UTF_8) : "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected ProcessBuilder command() {
        ProcessBuilder builder = new ProcessBuilder(
                        home.resolve("bin").resolve("server").toString(), "run", SERVER)
                .directory(base.toFile());
        builder.environment().put("WLP_USER_DIR", userDir().toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JVM_ARGS", String.join(" ", settings));
        return builder;
    }
}
