package dev.parley.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Open Liberty from the unpacked runtime ({@code liberty.home}) with the server the build ships
 * ({@code parley.it.liberty-server}: server-config/liberty/'s files, {@code apps/parley.war}, the H2 driver in
 * {@code lib/}), copied whole into its own user directory {@code <name>/wlp-usr/servers/} as an operator installs it.
 * Only what an operator adds on top: ports and host in {@code bootstrap.properties}, for PostgreSQL the driver jar in
 * {@code lib/} (the {@code PARLEY_DB_*} variables come with the test JVM's environment). It runs with
 * {@code bin/server run}, which ends in {@code exec java}: the process is the server JVM. Test settings come from
 * {@code JVM_ARGS}.
 */
final class LibertyProcess extends ServerProcess {

    private static final String SERVER = "parley";
    /** The shipped login configuration: appSecurity and the basicRegistry, included on request. */
    private static final String SECURITY = "security.xml";

    private final Path home;
    private final Path shipped;
    private final List<String> settings;

    /** The database URL in place of the build's {@code PARLEY_DB_URL}, if {@link #useDatabase} was called. */
    private String databaseUrl;

    LibertyProcess(Path base, int portOffset, List<String> settings) {
        this(
                base,
                portOffset,
                settings,
                Path.of(required("liberty.home")),
                Path.of(required("parley.it.liberty-server")));
    }

    /** {@code shipped}: the server the build ships, or server-config/liberty/ alone (the WAR is added then). */
    LibertyProcess(Path base, int portOffset, List<String> settings, Path home, Path shipped) {
        super(base, portOffset);
        this.home = home;
        this.shipped = shipped;
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

    /** The shipped server as it is; {@code war} is the one in its {@code apps/} already. */
    @Override
    protected void layOut(Path war) throws IOException {
        Path server = serverDir();
        copyTree(shipped, server);
        Path app = server.resolve("apps").resolve("parley.war");
        if (Files.notExists(app)) {
            Files.createDirectories(app.getParent());
            Files.copy(war, app);
        }
        if (System.getProperty("parley.it.postgresql.jar") != null) {
            Path driver = PostgresSession.driverJar();
            Files.createDirectories(server.resolve("lib"));
            Files.copy(
                    driver, server.resolve("lib").resolve(driver.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(
                server.resolve("bootstrap.properties"),
                "parley.http.host=127.0.0.1\nparley.http.port=" + httpPort() + "\nparley.https.port="
                        + (8443 + portOffset) + "\n",
                StandardCharsets.UTF_8);
    }

    /** server-config/liberty/parley.xml reads the URL from {@code PARLEY_DB_URL}, as deploy.md tells operators. */
    @Override
    public void useDatabase(String jdbcUrl) {
        databaseUrl = jdbcUrl;
    }

    /** A configDropins override that includes {@code file} of the server directory, as server.xml's comment says. */
    @Override
    public void includeConfiguration(String file) {
        Path overrides = serverDir().resolve("configDropins").resolve("overrides");
        try {
            Files.createDirectories(overrides);
            Files.writeString(
                    overrides.resolve("include-" + file),
                    "<server>\n    <include location=\"${server.config.dir}/" + file + "\"/>\n</server>\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * As security.xml tells operators: the file included from server.xml, and the user (its password encoded with
     * {@code bin/securityUtility encode}) added to its {@code basicRegistry}, in each group (a member of the group of
     * that name, which is made if the registry has none).
     */
    @Override
    public void addApplicationUser(String user, String password, String... groups) {
        includeConfiguration(SECURITY);
        Path security = serverDir().resolve(SECURITY);
        try {
            String xml = Files.readString(security, StandardCharsets.UTF_8);
            String registryEnd = "</basicRegistry>";
            if (!xml.contains(registryEnd)) {
                throw new IllegalStateException(security + " has no basicRegistry");
            }
            xml = xml.replace(
                    registryEnd,
                    "    <user name=\"" + user + "\" password=\"" + encoded(password) + "\"/>\n    " + registryEnd);
            for (String group : groups) {
                String member = "<member name=\"" + user + "\"/>";
                String existing = "<group name=\"" + group + "\">";
                xml = xml.contains(existing)
                        ? xml.replace(existing, existing + "\n            " + member)
                        : xml.replace(registryEnd, "    " + existing + member + "</group>\n    " + registryEnd);
            }
            Files.writeString(security, xml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code bin/securityUtility encode}: the default {@code {xor}} encoding, as an operator writes it. */
    private String encoded(String password) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        home.resolve("bin").resolve("securityUtility").toString(), "encode", password)
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                    || process.exitValue() != 0
                    || !output.startsWith("{xor}")) {
                throw new IllegalStateException("securityUtility encode failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return output;
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
        if (databaseUrl != null) {
            builder.environment().put("PARLEY_DB_URL", databaseUrl);
        }
        return builder;
    }
}
