package dev.parley.history.control;

import dev.parley.chat.entity.Identity;
import dev.parley.settings.Settings;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Creates the tables before anything uses them, from one script valid on H2 and PostgreSQL, because the JPA
 * providers of the three servers would each generate a different schema. A change to what stored rows mean is a
 * migration script of its own, run once and recorded in {@code parley_schema_version}.
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
    static final String SCRIPT = "/db/schema.sql";
    static final String MIGRATE_USER_KINDS = "/db/migrate-2-user-kinds.sql";
    static final int USER_KINDS = 2;
    static final String POSTGRESQL = "PostgreSQL";
    /** The key of PostgreSQL's advisory lock that one schema creation at a time holds ("parley" in ASCII). */
    static final long SCHEMA_LOCK = 0x706172_6c6579L;
    /** An embedded H2 file, on H2's retry file system or not (the servers' URLs use {@code retry:}). */
    static final Pattern H2_FILE = Pattern.compile("jdbc:h2:(retry:)?file:");

    private static final Logger LOG = Logger.getLogger(Schema.class.getName());

    @Resource(lookup = REFERENCE)
    DataSource dataSource;

    Settings settings = Settings.fromEnvironment();

    @PostConstruct
    void create() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            DatabaseMetaData database = connection.getMetaData();
            String described = database.getDatabaseProductName() + " " + database.getDatabaseProductVersion() + " at "
                    + location(database);
            LOG.info(() -> "Parley database: " + REFERENCE + " is " + described);
            warnIfTemporary(database);
            boolean postgres = POSTGRESQL.equals(database.getDatabaseProductName());
            if (postgres) {
                // nodes of a cluster that start at once on an empty database would create the same tables together,
                // and PostgreSQL's IF NOT EXISTS is not safe against a concurrent twin: one node at a time
                statement.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
            }
            try {
                for (String sql : statements(SCRIPT)) {
                    statement.execute(sql);
                }
                migrate(connection, reservedNames(settings));
            } finally {
                if (postgres) {
                    statement.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
                }
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

    /**
     * Version 2 (db/migrate-2-user-kinds.sql): user keys get their kind. A database that has it already, or that
     * another instance is migrating (its version row is taken first, so the second waits on it and then finds it),
     * is left alone.
     *
     * @param accounts case-folded names whose stored messages are an account's, not a guest's
     */
    static void migrate(Connection connection, Collection<String> accounts) throws SQLException {
        if (applied(connection, USER_KINDS)) {
            return;
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement version =
                        connection.prepareStatement("INSERT INTO parley_schema_version VALUES (?, ?)");
                Statement statement = connection.createStatement();
                PreparedStatement account =
                        connection.prepareStatement("UPDATE parley_message SET sender_key = ? WHERE sender_key = ?")) {
            version.setInt(1, USER_KINDS);
            version.setLong(2, System.currentTimeMillis());
            version.executeUpdate();
            for (String sql : statements(MIGRATE_USER_KINDS)) {
                statement.execute(sql);
            }
            for (String name : accounts) {
                account.setString(1, Identity.accountKey(name));
                account.setString(2, Identity.guestKey(name));
                account.executeUpdate();
            }
            connection.commit();
            LOG.info(() -> "Parley schema: user keys migrated to version " + USER_KINDS);
        } catch (SQLException failed) {
            connection.rollback();
            if (!MessageStore.isUniqueViolation(failed) || !applied(connection, USER_KINDS)) {
                throw failed;
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static boolean applied(Connection connection, int version) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT COUNT(*) FROM parley_schema_version WHERE version = ?")) {
            query.setInt(1, version);
            try (ResultSet result = query.executeQuery()) {
                return result.next() && result.getInt(1) > 0;
            }
        }
    }

    /** The names the operator reserved for accounts: at the migration, their stored messages are theirs. */
    private static List<String> reservedNames(Settings settings) {
        return settings.list("parley.reserved-names").stream()
                .map(Identity::fold)
                .toList();
    }

    static List<String> statements(String resource) {
        try (InputStream script = Schema.class.getResourceAsStream(resource)) {
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
