package dev.parley.history.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.chat.entity.Receipt;
import dev.parley.history.control.MessageStore;
import dev.parley.metrics.Metrics;
import dev.parley.testing.EventDouble;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The race on a ref: another transaction stores (room, sender, ref) after this one looked it up, so this insert
 * violates the unique key. The archive must answer from the stored row, read in a transaction of its own. The
 * archive runs its real committer thread; receipts are awaited as {@link PostsSettled} events.
 */
class MessageArchiveTest {

    static final Instant AT = Instant.parse("2026-11-22T01:00:00.123Z");
    static final Event.Message STORED_CONCURRENTLY = new Event.Message("general", 7, "Alice", "hello", AT, "r-1");

    MessageArchive cut;
    StoreDouble store;
    final BlockingQueue<PostsSettled> settled = new LinkedBlockingQueue<>();

    @BeforeEach
    void wire() {
        store = new StoreDouble();
        cut = new MessageArchive();
        cut.store = store;
        cut.metrics = new Metrics();
        cut.postsSettled = new EventDouble<>(settled::add);
        cut.start(Thread::new);
    }

    @AfterEach
    void stop() {
        cut.stop();
    }

    @Test
    void aRefStoredConcurrentlyWithTheSameTextIsARepeat() {
        store.appendFails = uniqueViolation();
        store.storedRow = Optional.of(STORED_CONCURRENTLY);

        Receipt receipt = post("Alice", "hello", "r-1");

        assertEquals(new Receipt.Repeated(STORED_CONCURRENTLY), receipt);
        assertEquals(
                List.of("append", "replay general g:alice r-1"),
                store.calls,
                "the stored row is read by a second call, i.e. in a new transaction");
    }

    @Test
    void aRefStoredConcurrentlyWithAnotherTextIsAConflict() {
        store.appendFails = uniqueViolation();
        store.storedRow = Optional.of(STORED_CONCURRENTLY);

        assertEquals(new Receipt.RefConflict(7), post("alice", "something else", "r-1"));
    }

    @Test
    void aUniqueViolationWithoutAStoredRefIsStillAFailure() {
        store.appendFails = uniqueViolation();

        assertInstanceOf(Receipt.Failed.class, post("alice", "hello", "r-1"));
    }

    @Test
    void otherFailuresAreNotAnsweredFromStoredRows() {
        store.appendFails = new PersistenceException(new SQLException("connection lost", "08006"));
        store.storedRow = Optional.of(STORED_CONCURRENTLY);

        assertInstanceOf(Receipt.Failed.class, post("alice", "hello", "r-1"));
        assertEquals(List.of("append"), store.calls);
    }

    @Test
    void aSayWithoutRefIsNeverReplayed() {
        store.appendFails = uniqueViolation();
        store.storedRow = Optional.of(STORED_CONCURRENTLY);

        assertInstanceOf(Receipt.Failed.class, post("alice", "hello", null));
        assertEquals(List.of("append"), store.calls);
    }

    private Receipt post(String sender, String text, String ref) {
        long id = ids.incrementAndGet();
        cut.onMessagePosted(new MessagePosted(id, "general", new Identity(sender, false), text, ref, AT, false));
        try {
            PostsSettled answer = settled.poll(10, TimeUnit.SECONDS);
            assertNotNull(answer, "no receipt within 10 s");
            assertEquals(id, answer.posts().get(0).postId());
            return answer.posts().get(0).receipt();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    final AtomicLong ids = new AtomicLong();

    /** Two nodes create one room at once: the one whose insert lost finds the other's row and joins that room. */
    @Test
    void aRoomCreatedMeanwhileByAnotherTransactionIsOpenedAsItIs() {
        store.roomCreatedMeanwhile = true;

        assertEquals(3, cut.openRoom("fresh"));
        assertEquals(
                List.of("openRoom fresh", "openRoom fresh"), store.calls, "the second in a transaction of its own");
    }

    /** What Hibernate throws from the flush of an insert that breaks parley_message_ref on PostgreSQL. */
    private static RuntimeException uniqueViolation() {
        SQLException driver = new SQLException(
                "ERROR: duplicate key value violates unique constraint " + "\"parley_message_ref\"", "23505");
        return new PersistenceException("could not execute statement", driver);
    }

    static class StoreDouble extends MessageStore {
        RuntimeException appendFails;
        /**
         * The first openRoom fails as its commit does on WildFly when another transaction created the room meanwhile:
         * Narayana's {@code @Transactional} interceptor throws the checked {@link RollbackException} through the
         * proxy, which declares none.
         */
        boolean roomCreatedMeanwhile;

        Optional<Event.Message> storedRow = Optional.empty();
        final List<String> calls = new ArrayList<>();

        @Override
        public Receipt append(MessagePosted posted) {
            calls.add("append");
            if (appendFails != null) {
                throw appendFails;
            }
            throw new AssertionError("not used here");
        }

        @Override
        public long openRoom(String name) {
            calls.add("openRoom " + name);
            if (roomCreatedMeanwhile) {
                roomCreatedMeanwhile = false;
                RollbackException commitFailed = new RollbackException("ARJUNA016053: Could not commit transaction.");
                commitFailed.initCause(new PersistenceException(
                        "could not execute batch",
                        new SQLException("duplicate key value violates \"parley_room_pkey\"", "23505")));
                throw StoreDouble.<RuntimeException>undeclared(commitFailed);
            }
            return 3;
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> T undeclared(Throwable checked) throws T {
            throw (T) checked;
        }

        @Override
        public Optional<Receipt> replay(String room, String senderKey, String ref, String text) {
            calls.add("replay " + room + " " + senderKey + " " + ref);
            return storedRow.map(
                    row -> row.text().equals(text) ? new Receipt.Repeated(row) : new Receipt.RefConflict(row.seq()));
        }
    }
}
