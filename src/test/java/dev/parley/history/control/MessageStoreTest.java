package dev.parley.history.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The failures of the real schema (db/schema.sql on an in-memory H2) as a JPA provider would report them. */
class MessageStoreTest {

    Connection database;

    @BeforeEach
    void createSchema() throws SQLException {
        database = DriverManager.getConnection("jdbc:h2:mem:store-test;DB_CLOSE_DELAY=-1");
        try (Statement statement = database.createStatement()) {
            for (String sql : Schema.statements(Schema.SCRIPT)) {
                statement.execute(sql);
            }
            statement.execute("INSERT INTO parley_room (name, last_seq, created_at) VALUES ('general', 0, 0)");
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        try (Statement statement = database.createStatement()) {
            statement.execute("DROP ALL OBJECTS");
        }
        database.close();
    }

    @Test
    void theSameRefOfOneSenderInOneRoomTwiceIsAUniqueViolation() throws SQLException {
        insert(1, "alice", "r-1", "hello");
        SQLException second = assertThrows(SQLException.class, () -> insert(2, "alice", "r-1", "hello"));

        assertTrue(MessageStore.isUniqueViolation(second));
        assertTrue(MessageStore.isUniqueViolation(
                new PersistenceException("flush failed", new RuntimeException("the provider's wrapper", second))));
    }

    @Test
    void theSameSeqTwiceIsAUniqueViolationToo() throws SQLException {
        insert(1, "alice", "r-1", "hello");
        SQLException again = assertThrows(SQLException.class, () -> insert(1, "bob", "r-2", "hi"));

        assertTrue(MessageStore.isUniqueViolation(new PersistenceException(again)));
    }

    @Test
    void otherFailuresAreNot() throws SQLException {
        insert(1, "alice", null, "hello");
        insert(2, "alice", null, "hello again");
        insert(3, "bob", "r-1", "same ref, other sender");
        SQLException missingBody = assertThrows(SQLException.class, () -> insert(4, "alice", "r-9", null));

        assertFalse(MessageStore.isUniqueViolation(new PersistenceException(missingBody)));
        assertFalse(MessageStore.isUniqueViolation(new PersistenceException("no cause")));
        assertFalse(MessageStore.isUniqueViolation(new IllegalStateException(new SQLException("down", "08006"))));
    }

    private void insert(long seq, String sender, String ref, String body) throws SQLException {
        try (PreparedStatement insert = database.prepareStatement("INSERT INTO parley_message "
                + "(room, seq, sender, sender_key, body, posted_at, ref) VALUES ('general', ?, ?, ?, ?, 0, ?)")) {
            insert.setLong(1, seq);
            insert.setString(2, sender);
            insert.setString(3, sender);
            insert.setString(4, body);
            insert.setString(5, ref);
            insert.executeUpdate();
        }
    }
}
