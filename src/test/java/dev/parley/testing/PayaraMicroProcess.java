package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Payara Micro from the payara-micro jar ({@code payara.micro.jar}), launched as the README tells operators to:
 * {@code java -jar payara-micro.jar --deploy parley.war --rootdir DIR --nocluster --port P}. The fixed
 * {@code --rootdir} ({@code <name>/micro-root}) keeps the embedded database across restarts.
 * <p>
 * A restart on the same root directory first starts the application remembered there, then deploys
 * {@code --deploy}'s again (undeploying the first): {@code /} answers before that, and a client connected then is
 * cut off. The start is complete when Micro logs that it is ready.
 * <p>
 * For PostgreSQL ({@code -Ddb=postgres}) it adds the driver with {@code --addlibs}, as
 * {@code server-config/payara/postgresql.env} tells operators; the {@code PARLEY_DB_*} variables come with the test
 * JVM's environment.
 * <p>
 * Users of the file realm are made as the deploy document tells operators: {@code create-file-user} lines in a file
 * Micro runs after it has booted ({@code --postbootcommandfile}); on this version that works (it writes
 * {@code config/keyfile} under {@code --rootdir}), and a start whose command failed fails.
 */
final class PayaraMicroProcess extends ServerProcess {

    private final Path microJar;
    private final List<String> settings;

    PayaraMicroProcess(Path base, int portOffset, List<String> settings) {
        super(base, portOffset);
        this.microJar = Path.of(required("payara.micro.jar"));
        this.settings = settings;
    }

    @Override
    protected String serverName() {
        return "Payara Micro";
    }

    /** Asadmin commands Micro runs once it has booted, before it deploys Parley; one a line. */
    private Path postBootCommands() {
        return base.resolve("post-boot.asadmin");
    }

    @Override
    public void addApplicationUser(String user, String password, String... groups) {
        // asadmin takes no password on its command line: the password file holds it
        Path passwordFile = base.resolve(user + ".password");
        String line = "create-file-user --passwordfile " + passwordFile
                + (groups.length > 0 ? " --groups " + String.join(":", groups) : "") + " " + user + "\n";
        try {
            Files.writeString(passwordFile, "AS_ADMIN_USERPASSWORD=" + password + "\n", StandardCharsets.UTF_8);
            Files.writeString(
                    postBootCommands(),
                    line,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void layOut(Path war) throws IOException {
        Files.createDirectories(base.resolve("micro-root"));
        Files.copy(war, base.resolve("parley.war"), StandardCopyOption.REPLACE_EXISTING);
    }

    private long logStart;

    @Override
    protected void beforeStart() throws IOException {
        logStart = Files.exists(consoleLog()) ? Files.size(consoleLog()) : 0;
    }

    /** Micro's last start line: "Payara Micro ... ready in N (ms)". */
    @Override
    protected boolean started() throws IOException {
        return thisStart().contains(" ready in ");
    }

    /**
     * A failed boot command is only a warning in Micro's log and Micro starts anyway (payara/Payara#2466: on Micro
     * 4.1.2 {@code create-file-user} failed for want of a keyfile): a realm user that was not made fails the start, one
     * made on an earlier start does not.
     */
    @Override
    protected void checkDeployment() throws IOException {
        String log = thisStart();
        for (int failed = log.indexOf(FAILED_USER); failed >= 0; failed = log.indexOf(FAILED_USER, failed + 1)) {
            String report = log.substring(failed, Math.min(log.length(), failed + 400));
            // the post-boot file runs at every start: after a restart on the same root its users are in the keyfile
            if (!report.contains("already exists")) {
                throw new IllegalStateException("a realm user was not made: " + report);
            }
        }
    }

    private static final String FAILED_USER = "Boot Command create-file-user failed";

    /** What Micro printed since this start began. */
    private String thisStart() throws IOException {
        if (!Files.exists(consoleLog())) {
            return "";
        }
        byte[] log = Files.readAllBytes(consoleLog());
        return new String(
                log,
                (int) Math.min(logStart, log.length),
                (int) Math.max(0, log.length - logStart),
                StandardCharsets.UTF_8);
    }

    @Override
    protected ProcessBuilder command() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m",
                "-Xmx512m",
                "-Djava.net.preferIPv4Stack=true"));
        command.addAll(settings);
        command.addAll(List.of(
                "-jar",
                microJar.toString(),
                "--deploy",
                base.resolve("parley.war").toString(),
                "--rootdir",
                base.resolve("micro-root").toString(),
                "--nocluster",
                "--port",
                Integer.toString(httpPort())));
        if (System.getProperty("parley.it.postgresql.jar") != null) {
            command.addAll(List.of("--addlibs", PostgresSession.driverJar().toString()));
        }
        if (Files.exists(postBootCommands())) {
            command.addAll(List.of("--postbootcommandfile", postBootCommands().toString()));
        }
        return new ProcessBuilder(command).directory(base.toFile());
    }
}
