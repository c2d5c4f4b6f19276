package dev.parley.history.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.testing.PostgresSession;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Nodes of a cluster that start at once on an empty PostgreSQL all create Parley's schema, from one script of
 * {@code CREATE … IF NOT EXISTS}, which PostgreSQL does not make safe against a concurrent twin: each start must
 * still come up. Each round runs two schema creations at once in a fresh PostgreSQL schema of the test database.
 */
class SchemaRaceIT {

    static final int ROUNDS = 8;

    @Test
    void nodesStartingAtOnceOnAnEmptyDatabaseAllCreateTheSchema() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String namespace = "race_" + System.nanoTime();
                execute("CREATE SCHEMA " + namespace);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> started = new ArrayList<>();
                for (int node = 0; node < 2; node++) {
                    started.add(nodes.submit(() -> {
                        go.await();
                        Schema schema = new Schema();
                        schema.dataSource = dataSource(namespace);
                        schema.create();
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> node : started) {
                    node.get(60, TimeUnit.SECONDS); // an exception here: a node that did not come up
                }
                assertEquals(
                        Schema.USER_KINDS,
                        count("SELECT max(version) FROM " + namespace + ".parley_schema_version"),
                        "the schema and its migrations, once");
            }
        } finally {
            nodes.shutdownNow();
        }
    }

    private static PGSimpleDataSource dataSource(String namespace) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(PostgresSession.url() + "?currentSchema=" + namespace);
        source.setUser(System.getenv("PARLEY_DB_USER"));
        source.setPassword(System.getenv("PARLEY_DB_PASSWORD"));
        return source;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                        PostgresSession.url(), System.getenv("PARLEY_DB_USER"), System.getenv("PARLEY_DB_PASSWORD"));
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                        PostgresSession.url(), System.getenv("PARLEY_DB_USER"), System.getenv("PARLEY_DB_PASSWORD"));
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
