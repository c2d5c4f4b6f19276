package dev.parley.history.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.control.Moderation;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.Receipt;
import dev.parley.settings.Settings;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written by the release before user keys had a kind (its schema script is kept under src/test), with a
 * ban, a mute and messages with refs, upgraded by the real {@link Schema} on a real H2 file: what was restricted stays
 * restricted, and a ref stored before the upgrade still answers its sender's retry instead of storing it twice.
 */
class SchemaMigrationTest {

    static final Instant NOW = Instant.parse("2026-12-04T15:00:00.000Z");

    @TempDir
    Path directory;

    @Test
    void aBanAMuteAndARefRetrySurviveTheUpgrade() throws SQLException {
        JdbcDataSource h2 = database();
        try (Connection connection = h2.getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : Schema.statements("/db/schema-before-user-kinds.sql")) {
                statement.execute(sql);
            }
            statement.execute("INSERT INTO parley_room VALUES ('general', 2, 0)");
            statement.execute("INSERT INTO parley_message (room, seq, sender, sender_key, body, posted_at, ref)"
                    + " VALUES ('general', 1, 'Alice', 'alice', 'hello', " + NOW.toEpochMilli() + ", 'r-1')");
            statement.execute("INSERT INTO parley_message (room, seq, sender, sender_key, body, posted_at, ref)"
                    + " VALUES ('general', 2, 'Ops', 'ops', 'maintenance at noon', " + NOW.toEpochMilli()
                    + ", 'r-2')");
            statement.execute(
                    "INSERT INTO parley_ban VALUES ('user:mallory', 'user', 'mallory', 0, 'spam', 0, 'root')");
            statement.execute(
                    "INSERT INTO parley_ban VALUES ('address:10.0.0.7', 'address', '10.0.0.7', 0, null, 0, 'root')");
            statement.execute("INSERT INTO parley_mute VALUES ('general/bob', 'general', 'bob', 0, 0, 'root')");
        }

        upgrade(h2);
        upgrade(h2); // every start runs the schema: the second must change nothing

        Moderation moderation = new Moderation();
        rows(h2, "SELECT kind, subject, until_at FROM parley_ban ORDER BY id", row -> {
            if ("user".equals(row.getString(1))) {
                moderation.banUser(row.getString(2), row.getLong(3));
            } else {
                moderation.banAddress(row.getString(2), row.getLong(3));
            }
            return null;
        });
        rows(h2, "SELECT room, user_key, until_at FROM parley_mute", row -> {
            moderation.mute(row.getString(1), row.getString(2), row.getLong(3));
            return null;
        });
        assertTrue(moderation.banned(Identity.guestKey("Mallory"), null), "the guest mallory is still banned");
        assertTrue(moderation.banned(Identity.accountKey("mallory"), null), "so is the account mallory");
        assertTrue(moderation.banned(null, "10.0.0.7"));
        assertFalse(moderation.banned(Identity.guestKey("alice"), null));
        assertTrue(moderation.muted("general", Identity.guestKey("bob")));
        assertTrue(moderation.muted("general", Identity.accountKey("bob")));
        assertEquals(
                List.of("address:10.0.0.7", "user:a:mallory", "user:g:mallory"),
                rows(h2, "SELECT id FROM parley_ban ORDER BY id", row -> row.getString(1)));

        EntityManagerFactory jpa = Persistence.createEntityManagerFactory(
                "parley-resource-local", Map.of("jakarta.persistence.jdbc.url", url()));
        try {
            Receipt guestRetry = inTransaction(jpa, store -> store.append(retry("Alice", false, "hello", "r-1")));
            assertEquals(
                    1,
                    assertInstanceOf(Receipt.Repeated.class, guestRetry)
                            .message()
                            .seq());
            assertEquals(Boolean.TRUE, ((Receipt.Repeated) guestRetry).message().guest());

            Receipt accountRetry =
                    inTransaction(jpa, store -> store.append(retry("ops", true, "maintenance at noon", "r-2")));
            assertEquals(
                    2,
                    assertInstanceOf(Receipt.Repeated.class, accountRetry)
                            .message()
                            .seq());
            assertNull(((Receipt.Repeated) accountRetry).message().guest(), "ops is in parley.reserved-names");

            Receipt accountTakingTheGuestsRef =
                    inTransaction(jpa, store -> store.append(retry("alice", true, "hello", "r-1")));
            assertInstanceOf(Receipt.NotStored.class, accountTakingTheGuestsRef);
        } finally {
            jpa.close();
        }
    }

    @Test
    void aNewDatabaseIsAtTheLatestVersionAtOnce() throws SQLException {
        JdbcDataSource h2 = database();

        upgrade(h2);

        assertEquals(
                List.of(Schema.USER_KINDS),
                rows(h2, "SELECT version FROM parley_schema_version", row -> row.getInt(1)));
    }

    private JdbcDataSource database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url());
        return h2;
    }

    private String url() {
        return "jdbc:h2:file:" + directory.resolve("parley") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    private static void upgrade(JdbcDataSource h2) {
        Schema schema = new Schema();
        schema.dataSource = h2;
        schema.settings = Settings.of(Map.of("parley.reserved-names", "root, Ops"));
        schema.create();
    }

    interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    private static <T> List<T> rows(JdbcDataSource h2, String query, Row<T> reader) throws SQLException {
        List<T> found = new ArrayList<>();
        try (Connection connection = h2.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(query)) {
            while (result.next()) {
                found.add(reader.read(result));
            }
        }
        return found;
    }

    private static MessagePosted retry(String sender, boolean account, String text, String ref) {
        return new MessagePosted(1, "general", new Identity(sender, account), text, ref, NOW, true);
    }

    private static <R> R inTransaction(EntityManagerFactory jpa, Function<MessageStore, R> work) {
        MessageStore store = new MessageStore();
        store.filesDeleted = new dev.parley.testing.EventDouble<>(deleted -> {});
        store.refWindow = Duration.ofHours(24);
        store.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return StoreTransaction.run(jpa, store, work);
    }
}
