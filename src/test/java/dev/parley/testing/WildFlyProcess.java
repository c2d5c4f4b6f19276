package dev.parley.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.wildfly.core.launcher.Launcher;
import org.wildfly.core.launcher.StandaloneCommandBuilder;

/**
 * WildFly from the unpacked dist ({@code jboss.home}), its JVM launched directly (no {@code standalone.sh} in
 * between), with its own server base directory {@code <name>/standalone}: a copy of {@code standalone/configuration},
 * a {@code deployments} directory holding {@code parley.war}, and a data directory that survives restarts. Like the
 * Arquillian server it runs the configuration {@code parley.it.server-config} (default {@code standalone.xml}) with
 * the JVM options {@code parley.it.server-options}, which {@link PostgresSession} sets for PostgreSQL.
 */
final class WildFlyProcess extends ServerProcess {

    private static final String WAR = "parley.war";

    private final Path home;
    private final Path serverBase;
    private final List<String> javaOptions;
    private final String serverConfig = System.getProperty("parley.it.server-config", "standalone.xml");

    /** The console's length when this start launched: what it printed since is this start's. */
    private long consoleAtLaunch;

    WildFlyProcess(Path base, int portOffset, List<String> settings) {
        super(base, portOffset);
        this.home = Path.of(required("jboss.home"));
        this.serverBase = base.resolve("standalone");
        this.javaOptions = new ArrayList<>(List.of(
                "-Xms64m",
                "-Xmx512m",
                "-Djava.net.preferIPv4Stack=true",
                "-Djboss.socket.binding.port-offset=" + portOffset));
        String serverOptions =
                System.getProperty("parley.it.server-options", "").trim();
        if (!serverOptions.isEmpty()) {
            this.javaOptions.addAll(List.of(serverOptions.split("\\s+")));
        }
        this.javaOptions.addAll(settings);
    }

    @Override
    protected String serverName() {
        return "WildFly";
    }

    /** postgresql.cli's data source reads {@code parley.db.url}; the last {@code -D} of a name wins. */
    @Override
    public void useDatabase(String jdbcUrl) {
        javaOptions.add("-Dparley.db.url=" + jdbcUrl);
    }

    @Override
    protected void layOut(Path war) throws IOException {
        copyTree(home.resolve("standalone").resolve("configuration"), serverBase.resolve("configuration"));
        dropManagedDeployments(serverBase.resolve("configuration").resolve(serverConfig));
        Files.createDirectories(serverBase.resolve("deployments"));
        Files.createDirectories(serverBase.resolve("data"));
        Files.copy(war, serverBase.resolve("deployments").resolve(WAR), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deployments a server recorded in its standalone.xml have their content in its data directory, not here. */
    private static void dropManagedDeployments(Path standaloneXml) throws IOException {
        String xml = Files.readString(standaloneXml, StandardCharsets.UTF_8);
        String withoutDeployments = xml.replaceAll("(?s)\\s*<deployments>.*?</deployments>", "");
        if (!withoutDeployments.equals(xml)) {
            Files.writeString(standaloneXml, withoutDeployments, StandardCharsets.UTF_8);
        }
    }

    /** {@code bin/add-user.sh -a} on this server's configuration directory (application-users.properties). */
    @Override
    public void addApplicationUser(String user, String password, String... groups) {
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin").resolve("add-user.sh").toString(),
                "-a",
                "-s",
                "-u",
                user,
                "-p",
                password,
                "-sc",
                serverBase.resolve("configuration").toString()));
        if (groups.length > 0) {
            command.addAll(List.of("-g", String.join(",", groups)));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                    || process.exitValue() != 0) {
                throw new IllegalStateException("add-user.sh failed: " + output);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected List<Integer> ports() {
        return List.of(httpPort(), 9990 + portOffset);
    }

    @Override
    protected void beforeStart() throws IOException {
        try (Stream<Path> files = Files.list(serverBase.resolve("deployments"))) {
            for (Path marker : files.filter(f -> f.getFileName().toString().startsWith(WAR + "."))
                    .toList()) {
                Files.delete(marker);
            }
        }
    }

    @Override
    protected ProcessBuilder command() {
        throw new UnsupportedOperationException("WildFly starts through its Launcher");
    }

    @Override
    protected Process launch() throws IOException {
        Path console = consoleLog();
        consoleAtLaunch = Files.exists(console) ? Files.size(console) : 0;
        StandaloneCommandBuilder command = StandaloneCommandBuilder.of(home)
                .setJavaHome(System.getProperty("java.home"))
                .setBaseDirectory(serverBase)
                .setServerConfiguration(serverConfig)
                .addJavaOptions(javaOptions);
        return Launcher.of(command)
                .setRedirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog().toFile()))
                .launch();
    }

    /**
     * A deployment that fails while the server boots may still answer {@code /} (the WAR's static page) before the
     * scanner writes its {@code .failed} marker, so this start's console counts too: a failed deploy operation, or
     * the server saying it started with errors.
     */
    @Override
    protected void checkDeployment() throws IOException {
        Path failed = serverBase.resolve("deployments").resolve(WAR + ".failed");
        if (Files.exists(failed)) {
            throw new IllegalStateException(
                    "parley.war failed to deploy: " + Files.readString(failed, StandardCharsets.UTF_8) + logTail());
        }
        String thisStart = thisStartsConsole();
        if (thisStart.contains("WFLYCTL0013: Operation (\"deploy\") failed") || thisStart.contains("WFLYSRV0026")) {
            throw new IllegalStateException("parley.war failed to deploy (WildFly started with errors)" + logTail());
        }
    }

    /** WildFly said it finished booting without errors (a failed deployment throws in {@link #checkDeployment}). */
    @Override
    protected boolean started() throws IOException {
        checkDeployment();
        return thisStartsConsole().contains("WFLYSRV0025");
    }

    private String thisStartsConsole() throws IOException {
        byte[] all = Files.readAllBytes(consoleLog());
        int from = (int) Math.min(consoleAtLaunch, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }
}
