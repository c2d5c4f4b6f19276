package dev.parley.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * {@code postgres --dir DIR [--port PORT] [--databases a,b]}: a real PostgreSQL 14 from Maven Central (zonky) for the persistence run,
 * with fsync and synchronous_commit on as in production, on {@code PORT} (default 0: a free one); prints {@code READY jdbc:postgresql://127.0.0.1:PORT/parley USER
 * PASSWORD} and runs until standard input closes.
 */
final class Postgres {

    private Postgres() {}

    static void run(Options options) throws Exception {
        Path dir = Path.of(options.string("dir", "bench/target/run/postgres"));
        Files.createDirectories(dir);
        ProcessBuilder.Redirect log =
                ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile());
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        int port = options.integer("port", 0);
        if (port > 0) {
            builder.setPort(port);
        }
        try (EmbeddedPostgres postgres = builder.setDataDirectory(dir.resolve("data"))
                .setCleanDataDirectory(true)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                .start()) {
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE ROLE parley LOGIN PASSWORD 'parley-bench'");
                statement.execute("CREATE DATABASE parley OWNER parley");
                // --databases a,b: more databases of the same owner on the same server (the cluster set's one node
                // keeps its rooms out of the cluster's database, whose nodes read every room there)
                for (String extra : options.string("databases", "").split(",")) {
                    if (extra.matches("[a-z][a-z0-9_]*") && !"parley".equals(extra)) {
                        statement.execute("CREATE DATABASE " + extra + " OWNER parley");
                    } else if (!extra.isEmpty() && !"parley".equals(extra)) {
                        throw new IllegalArgumentException("--databases: not a plain lower-case name: " + extra);
                    }
                }
            }
            System.out.println(
                    "READY jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/parley parley parley-bench");
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the script closes our input
            }
        }
    }
}
