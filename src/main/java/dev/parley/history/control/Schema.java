package dev.parley.history.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Creates the tables before anything uses them, from one script valid on H2 and PostgreSQL, because the JPA
 * providers of the three servers would each generate a different schema.
 *
 * <p>The embedded default database is H2 in a file under the server's data directory. {@code WRITE_DELAY=0}
 * keeps committed rows through a killed JVM; {@code DB_CLOSE_ON_EXIT=FALSE} stops H2's own shutdown hook from
 * closing the database under the pool while the server is still stopping.
 */
@DataSourceDefinition(
        name = Schema.EMBEDDED,
        className = "org.h2.jdbcx.JdbcDataSource",
        url = "jdbc:h2:file:${jboss.server.data.dir}/parley/parley;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
        user = "sa",
        password = "")
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Schema {

    static final String EMBEDDED = "java:app/jdbc/parley-embedded";
    static final String REFERENCE = "java:comp/env/jdbc/parley";
    private static final Logger LOG = Logger.getLogger(Schema.class.getName());

    @Resource(lookup = REFERENCE)
    DataSource dataSource;

    @PostConstruct
    void create() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            DatabaseMetaData database = connection.getMetaData();
            String described = database.getDatabaseProductName() + " " + database.getDatabaseProductVersion()
                    + " at " + location(database);
            LOG.info(() -> "Parley database: " + REFERENCE + " is " + described);
            for (String sql : statements()) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create Parley's schema", e);
        }
    }

    private static String location(DatabaseMetaData database) throws SQLException {
        String url = database.getURL();
        return url.startsWith("jdbc:h2:file:") ? url.substring("jdbc:h2:file:".length()).split(";")[0] + ".mv.db" : url;
    }

    static List<String> statements() {
        try (InputStream script = Schema.class.getResourceAsStream("/db/schema.sql")) {
            String text = new String(script.readAllBytes(), StandardCharsets.UTF_8);
            String withoutComments = text.replaceAll("(?m)^\\s*--.*$", "");
            return Arrays.stream(withoutComments.split(";"))
                    .map(String::trim)
                    .filter(sql -> !sql.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
