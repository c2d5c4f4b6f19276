package dev.parley.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * A real PostgreSQL for the integration tests of {@code -Ddb=postgres} ({@code parley.it.database=PostgreSQL}),
 * started before the first test of the failsafe JVM and stopped after the last, whatever the tests did.
 * <p>
 * It listens on 127.0.0.1 on port {@code parley.it.postgresql.port} with {@code fsync} and {@code synchronous_commit}
 * on (a commit is on disk when acknowledged), and holds a database {@code parley} owned by the role of
 * {@code PARLEY_DB_USER}. The servers learn its address the way their operators are told to, and the servers the
 * tests start inherit the test JVM's environment, where the build put the {@code PARLEY_DB_*} variables:
 * <ul>
 *   <li>WildFly: {@code server-config/wildfly/postgresql.cli} run on a copy of {@code standalone.xml}; Arquillian's
 *       server and {@link WildFlyProcess} pick that configuration and the connection settings up from the system
 *       properties {@code parley.it.server-config} and {@code parley.it.server-options}.
 *   <li>Open Liberty: the driver jar in the server's {@code lib/} (here the Arquillian server's; {@link LibertyProcess}
 *       adds it to its copy of the shipped server) and {@code PARLEY_DB_URL}, {@code PARLEY_DB_DATASOURCE_CLASS} ….
 *   <li>Payara Micro: {@code --addlibs} with the driver jar ({@link PayaraMicroProcess}, which Arquillian's
 *       {@link PayaraMicroContainer} runs too) and the variables of {@code server-config/payara/postgresql.env}.
 * </ul>
 * A test may stop it and start it again on the same data and port ({@link #stopDatabase}, {@link #restartDatabase}):
 * a database outage under a running server. At the end it prints what is stored: per room, the message count
 * against the highest seq.
 */
public final class PostgresSession implements LauncherSessionListener {

    public static final String SERVER_CONFIG = "standalone-parley-postgresql.xml";
    /** The build sets these for the servers (pom.xml, profile postgres); the database is made to match. */
    private static final String USER = System.getenv("PARLEY_DB_USER");

    private static final String PASSWORD = System.getenv("PARLEY_DB_PASSWORD");

    private static EmbeddedPostgres postgres;
    private static Path directory;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!"PostgreSQL".equals(System.getProperty("parley.it.database")) || postgres != null) {
            return;
        }
        directory = Path.of(required("parley.it.build-dir")).resolve("postgres");
        try {
            stopOrphan(directory.resolve("data").resolve("postmaster.pid"));
            deleteTree(directory);
            Files.createDirectories(directory);
            start();
            String url = url();
            String server = System.getProperty("parley.it.server", "wildfly");
            switch (server) {
                case "wildfly" -> {
                    configureWildFly();
                    System.setProperty("parley.it.server-config", SERVER_CONFIG);
                    System.setProperty(
                            "parley.it.server-options",
                            "-Dparley.db.url=" + url + " -Dparley.db.user=" + USER + " -Dparley.db.password="
                                    + PASSWORD);
                }
                case "liberty" ->
                    Files.copy(
                            driverJar(),
                            Path.of(required("liberty.home"), "usr", "servers", "parley-it", "lib")
                                    .resolve(driverJar().getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                case "payara-micro" -> {
                    // PayaraMicroProcess adds the driver with --addlibs
                }
                default -> throw new IllegalStateException("PostgreSQL is not set up for the server " + server);
            }
            System.out.println(
                    "PostgresSession: PostgreSQL at " + url + " (fsync on, synchronous_commit on) for " + server);
        } catch (IOException | SQLException | RuntimeException e) {
            stop();
            throw new IllegalStateException("cannot prepare PostgreSQL for the integration tests", e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (postgres == null) {
            return;
        }
        try {
            report();
        } finally {
            stop();
        }
    }

    private static void start() throws IOException, SQLException {
        launch();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet value = statement.executeQuery("SHOW " + setting)) {
                    value.next();
                    if (!"on".equals(value.getString(1))) {
                        throw new IllegalStateException(setting + " is " + value.getString(1) + ", not on");
                    }
                }
            }
            statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            statement.execute("CREATE DATABASE parley OWNER " + USER);
        }
    }

    /**
     * The postmaster on the data directory, initialised on the first launch (the directory is emptied before). Not
     * cleaned on close, so that {@link #restartDatabase} finds the same database; {@link #stop} deletes it at the end.
     */
    private static void launch() throws IOException {
        ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(
                directory.resolve("postgres.log").toFile());
        postgres = EmbeddedPostgres.builder()
                .setPort(port())
                .setDataDirectory(directory.resolve("data"))
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                .start();
    }

    /**
     * Stops the test PostgreSQL the way an operator's stop or restart does (pg_ctl stop, fast mode: every session is
     * ended, then the postmaster exits and its port closes), keeping its data: the database outage of
     * {@code DatabaseOutageIT}. Returns once nothing accepts connections on its port.
     */
    public static synchronized void stopDatabase() {
        if (postgres == null) {
            throw new IllegalStateException("the test PostgreSQL is not running");
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            postgres = null;
        }
        if (accepting()) {
            throw new IllegalStateException(
                    "PostgreSQL still accepts connections on port " + port() + " after pg_ctl stop");
        }
    }

    /** Starts the test PostgreSQL again on the same data directory and port after {@link #stopDatabase}. */
    public static synchronized void restartDatabase() {
        if (postgres != null) {
            return;
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Freezes the test PostgreSQL (SIGSTOP to the postmaster and every backend): connections stay open and nothing
     * answers, the way a hung database host or a full disk looks to a server, unlike {@link #stopDatabase}, which
     * ends its sessions. {@link #thawDatabase} lets it go on.
     */
    public static synchronized void freezeDatabase() {
        signalAll("-STOP");
    }

    public static synchronized void thawDatabase() {
        signalAll("-CONT");
    }

    /**
     * A new, empty database on the test PostgreSQL, owned by the servers' role: for servers that must start on an
     * empty database ({@link ServerProcess#useDatabase}) while the build's {@code parley} holds what earlier tests
     * stored.
     *
     * @return its JDBC URL, with the driver's timeouts of the build's {@code PARLEY_DB_URL}
     */
    public static synchronized String createDatabase(String name) {
        if (postgres == null) {
            throw new IllegalStateException("the test PostgreSQL is not running");
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database " + name, e);
        }
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + name
                + "?socketTimeout=15&connectTimeout=5&loginTimeout=5";
    }

    /** The JDBC URL of the test database, for a test that adds driver options (they take precedence). */
    public static String url() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/parley";
    }

    private static void signalAll(String signal) {
        if (postgres == null) {
            throw new IllegalStateException("the test PostgreSQL is not running");
        }
        try {
            long pid =
                    Long.parseLong(Files.readAllLines(directory.resolve("data").resolve("postmaster.pid"))
                            .get(0)
                            .trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
            List<String> command = new ArrayList<>(List.of("kill", signal, Long.toString(pid)));
            postmaster.descendants().forEach(backend -> command.add(Long.toString(backend.pid())));
            Process kill = new ProcessBuilder(command).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static int port() {
        return Integer.parseInt(required("parley.it.postgresql.port"));
    }

    /**
     * A PostgreSQL that an earlier test JVM left running when it was killed (no session end, no shutdown hook):
     * stopped with a fast shutdown (SIGINT) before its data directory is deleted.
     */
    private static void stopOrphan(Path pidFile) throws IOException {
        if (Files.notExists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid)
                .filter(process -> process.info().command().orElse("").endsWith("/postgres"))
                .orElse(null);
        if (postmaster == null) {
            return;
        }
        System.out.println("PostgresSession: stopping PostgreSQL pid " + pid + ", left running by an earlier test run");
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid))
                    .inheritIO()
                    .start()
                    .waitFor();
            postmaster.onExit().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("PostgreSQL pid " + pid + " did not stop", e);
        }
    }

    /** The PostgreSQL JDBC driver from Maven Central, which the operator adds to the server. */
    static Path driverJar() {
        return Path.of(required("parley.it.postgresql.jar"));
    }

    /** The shipped CLI script on a fresh copy of standalone.xml, with the driver jar Maven Central gives. */
    private static void configureWildFly() throws IOException {
        Path home = Path.of(required("jboss.home"));
        Path configuration = home.resolve("standalone").resolve("configuration");
        Files.copy(
                configuration.resolve("standalone.xml"),
                configuration.resolve(SERVER_CONFIG),
                StandardCopyOption.REPLACE_EXISTING);
        deleteTree(home.resolve("modules").resolve("org").resolve("postgresql"));
        Path cliLog = directory.resolve("jboss-cli.log");
        ProcessBuilder cli = new ProcessBuilder(
                        home.resolve("bin").resolve("jboss-cli.sh").toString(),
                        "--file=" + required("parley.it.postgresql.cli"),
                        "-Dpostgresql.jar=" + required("parley.it.postgresql.jar"),
                        "-Dserver.config=" + SERVER_CONFIG)
                .redirectErrorStream(true)
                .redirectOutput(cliLog.toFile());
        cli.environment().put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Process process = cli.start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("jboss-cli.sh did not finish; see " + cliLog);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "jboss-cli.sh failed with " + process.exitValue() + ":\n" + Files.readString(cliLog));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Per room: messages stored, distinct seqs, highest seq and the counter; gap-free means all four agree. */
    private static void report() {
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/parley";
        List<String> lines = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
                Statement statement = connection.createStatement();
                ResultSet rooms =
                        statement.executeQuery("SELECT r.name, r.last_seq, count(m.seq), count(DISTINCT m.seq),"
                                + " coalesce(max(m.seq), 0) FROM parley_room r LEFT JOIN parley_message m ON m.room = r.name"
                                + " GROUP BY r.name, r.last_seq ORDER BY r.name")) {
            long messages = 0;
            int roomCount = 0;
            List<String> broken = new ArrayList<>();
            List<String> rows = new ArrayList<>();
            while (rooms.next()) {
                roomCount++;
                long counter = rooms.getLong(2);
                long count = rooms.getLong(3);
                messages += count;
                String room = rooms.getString(1) + ": last_seq " + counter + ", " + count + " rows, " + rooms.getLong(4)
                        + " distinct seqs, max seq " + rooms.getLong(5);
                rows.add(room);
                if (count != rooms.getLong(4) || count != rooms.getLong(5) || count != counter) {
                    broken.add(room);
                }
            }
            lines.add("PostgresSession: " + messages + " messages in " + roomCount + " rooms stored on PostgreSQL; "
                    + (broken.isEmpty()
                            ? "every room's seqs are exactly 1..n"
                            : "rooms with gaps or duplicates: " + broken));
            List<String> stored = new ArrayList<>(lines);
            stored.addAll(rows);
            Files.write(directory.resolve("stored.txt"), stored);
        } catch (SQLException | IOException e) {
            lines.add("PostgresSession: cannot read what is stored: " + e);
        }
        lines.forEach(System.out::println);
    }

    private static synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
            deleteTree(directory.resolve("data"));
        } catch (IOException e) {
            System.err.println("PostgresSession: stopping PostgreSQL failed: " + e);
        } finally {
            postgres = null;
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "system property " + property + " is not set: run mvn verify -Ddb=postgres");
        }
        return value;
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.notExists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
