package dev.parley.history.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Creates the tables before anything uses them, from one script valid on H2 and PostgreSQL, because the JPA
 * providers of the three servers would each generate a different schema.
 *
 * <p>Parley's database is the resource reference {@code java:app/jdbc/parley} (also persistence.xml's
 * {@code jta-data-source}), which each server binds from its own descriptor, because no one definition is
 * understood by all three: WildFly binds it in {@code jboss-web.xml} to an embedded H2 database under
 * {@code jboss.server.data.dir}; Payara defines a resource of that very name in {@code glassfish-resources.xml}
 * under {@code com.sun.aas.instanceRoot} (its JPA deployer accepts only a name that is a configured resource, not a
 * resource reference: Payara issue #2822); Open Liberty binds it to a {@code server.xml} dataSource under
 * {@code server.output.dir} (Liberty fails the whole application for a {@code @DataSourceDefinition} whose driver
 * is only in the WAR). Each
 * H2 URL ends in {@code WRITE_DELAY=0} (committed rows survive a killed JVM) and {@code DB_CLOSE_ON_EXIT=FALSE}
 * (H2's own shutdown hook does not close the database under the pool while the server is still stopping).
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Schema {

    static final String REFERENCE = "java:app/jdbc/parley";
    /** An embedded H2 file, on H2's retry file system or not (the servers' URLs use {@code retry:}). */
    static final Pattern H2_FILE = Pattern.compile("jdbc:h2:(retry:)?file:");

    private static final Logger LOG = Logger.getLogger(Schema.class.getName());

    @Resource(lookup = REFERENCE)
    DataSource dataSource;

    @PostConstruct
    void create() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            DatabaseMetaData database = connection.getMetaData();
            String described = database.getDatabaseProductName() + " " + database.getDatabaseProductVersion() + " at "
                    + location(database);
            LOG.info(() -> "Parley database: " + REFERENCE + " is " + described);
            warnIfTemporary(database);
            for (String sql : statements()) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create Parley's schema", e);
        }
    }

    /**
     * A database file under the system temp directory is lost on the next start of, e.g., Payara Micro run without
     * {@code --rootdir} (a new temp directory each time); say so loudly.
     */
    private static void warnIfTemporary(DatabaseMetaData database) throws SQLException {
        String url = database.getURL();
        String location = location(database);
        if (H2_FILE.matcher(url).lookingAt() && isTemporary(location)) {
            LOG.severe(() -> "Parley's database " + location + " is under the system temp directory "
                    + System.getProperty("java.io.tmpdir") + ": its messages will be lost when the server restarts"
                    + " (run Payara Micro with --rootdir DIR, or point Parley at a database that is kept)");
        }
    }

    static boolean isTemporary(String file) {
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp == null || tmp.isBlank()) {
            return false;
        }
        Path temp = real(Path.of(tmp));
        return real(Path.of(file).toAbsolutePath()).startsWith(temp);
    }

    /** The real path of the deepest existing ancestor, plus the rest: /tmp may be a link. */
    private static Path real(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        for (Path existing = normal; existing != null; existing = existing.getParent()) {
            try {
                return existing.toRealPath().resolve(existing.relativize(normal));
            } catch (IOException e) {
                // not there (yet): try its parent
            }
        }
        return normal;
    }

    private static String location(DatabaseMetaData database) throws SQLException {
        String url = database.getURL();
        Matcher file = H2_FILE.matcher(url);
        return file.lookingAt() ? url.substring(file.end()).split(";")[0] + ".mv.db" : url;
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
