package dev.parley.history.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.MentionSettings;
import dev.parley.chat.entity.Mentions;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.PrivateRooms;
import dev.parley.chat.entity.Receipt;
import dev.parley.chat.entity.RoomMemberships;
import dev.parley.history.entity.FilesDeleted;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real MessageStore on a real H2 file database (the WAR's H2, the servers' URL options, the schema from
 * db/schema.sql through {@link Schema}) with Hibernate ORM as WildFly runs it. Each call runs in a transaction of its
 * own with a new persistence context, as {@code @Transactional(REQUIRES_NEW)} does on the servers.
 */
class MessageStoreJpaTest {

    static final Instant NOW = Instant.parse("2026-11-22T01:00:00.123Z");

    @TempDir
    static Path directory;

    static EntityManagerFactory database;

    MessageStore cut;
    final List<FilesDeleted> filesDeleted = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void createDatabase() {
        String url = "jdbc:h2:retry:file:" + directory.resolve("parley") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        Schema schema = new Schema();
        schema.dataSource = h2;
        schema.create();
        database = Persistence.createEntityManagerFactory(
                "parley-resource-local", Map.of("jakarta.persistence.jdbc.url", url));
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @BeforeEach
    void emptyDatabase() {
        cut = instance();
        cut.filesDeleted = new dev.parley.testing.EventDouble<>(filesDeleted::add);
        EntityManager em = database.createEntityManager();
        em.getTransaction().begin();
        em.createNativeQuery("DELETE FROM parley_membership").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_conversation_member").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_conversation").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_account").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_mention").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_receipts_off").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_message").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_file_content").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_file").executeUpdate();
        em.createNativeQuery("DELETE FROM parley_room").executeUpdate();
        em.getTransaction().commit();
        em.close();
        inTransaction(store -> store.openRoom("general"));
        inTransaction(store -> store.openRoom("random"));
    }

    @Test
    void seqCountsFromOneWithoutGapsPerRoomAcrossSingleAndBatchedPosts() {
        assertEquals(1, stored(inTransaction(store -> store.append(post("general", "alice", "g1", null)))));
        List<Receipt> batch = inTransaction(store -> store.appendAll(List.of(
                post("random", "bob", "r1", null),
                post("general", "bob", "g2", "b-1"),
                post("random", "alice", "r2", "a-1"),
                post("general", "carol", "g3", null))));
        assertEquals(List.of(1L, 2L, 2L, 3L), batch.stream().map(this::stored).toList());
        assertEquals(4, stored(inTransaction(store -> store.append(post("general", "alice", "g4", null)))));
        List<Receipt> next = inTransaction(store ->
                store.appendAll(List.of(post("general", "bob", "g5", null), post("random", "bob", "r3", null))));
        assertEquals(List.of(5L, 3L), next.stream().map(this::stored).toList());

        assertEquals(Map.of("general", 5L, "random", 3L), inTransaction(MessageStore::rooms));
        assertEquals(List.of("g1", "g2", "g3", "g4", "g5"), texts(all("general")));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(all("general")));
        assertEquals(List.of("r1", "r2", "r3"), texts(all("random")));
        assertEquals(List.of(1L, 2L, 3L), seqs(all("random")));
    }

    /**
     * The membership store's queries on the same database: kept rooms with unread counts (others' messages, not
     * deleted), markers that only move forward, a forgotten room, and a purge that takes the room's memberships.
     */
    @Test
    void keptRoomsCountOthersUnreadMessagesMarkersOnlyMoveForwardAndAPurgeForgetsThem() {
        MembershipStore memberships = new MembershipStore();
        memberships.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String alice = Identity.accountKey("alice");
        inMembershipTransaction(memberships, store -> {
            store.keep(alice, "Alice", "general", 0);
            store.keep(alice, "Alice", "random", 0);
            store.keep(alice, "Alice", "nowhere", 0); // no such room: not kept
            return null;
        });
        inTransaction(store -> store.appendAll(List.of(
                post("general", "bob", "g1", null),
                new MessagePosted(
                        IDS.incrementAndGet(), "general", new Identity("alice", true), "own", null, NOW, false),
                post("general", "bob", "g3", null),
                post("general", "bob", "g4", null),
                post("random", "bob", "r1", null))));
        inTransaction(store -> store.redact("general", 4));

        assertEquals(
                List.of(new Event.KeptRoom("general", 0, 2, 4), new Event.KeptRoom("random", 0, 1, 1)),
                inMembershipTransaction(memberships, store -> store.kept(alice)));
        assertEquals(
                new RoomMemberships.Marker(3, 0, 0),
                inMembershipTransaction(memberships, store -> store.read(alice, "general", 3)));
        inMembershipTransaction(memberships, store -> {
            store.store(Map.of(new RoomMemberships.Key(alice, "general"), 3L));
            store.store(Map.of(new RoomMemberships.Key(alice, "general"), 1L)); // never back
            store.keep(alice, "Alice", "general", 0); // kept already: as it was
            return null;
        });
        assertEquals(
                new RoomMemberships.Marker(4, 0, 3), // stored 3, and beyond the last seq stops at it
                inMembershipTransaction(memberships, store -> store.read(alice, "general", 99)));

        String bob = Identity.accountKey("bob");
        inMembershipTransaction(memberships, store -> {
            store.keep(bob, "Bob", "general", 1);
            return null;
        });
        assertEquals(
                List.of(new RoomMemberships.Reader(alice, "Alice", 3), new RoomMemberships.Reader(bob, "Bob", 1)),
                inMembershipTransaction(memberships, store -> store.readers("general")).stream()
                        .sorted(java.util.Comparator.comparing(RoomMemberships.Reader::userKey))
                        .toList());
        inMembershipTransaction(memberships, store -> {
            store.receipts(bob, false);
            store.receipts(bob, false); // twice: as once
            return null;
        });
        assertEquals(false, inMembershipTransaction(memberships, store -> store.receiptsOn(bob)));
        assertEquals(
                List.of(new RoomMemberships.Reader(alice, "Alice", 3)),
                inMembershipTransaction(memberships, store -> store.readers("general")),
                "who turned receipts off is not among the readers");
        inMembershipTransaction(memberships, store -> {
            store.receipts(bob, true);
            return null;
        });
        assertEquals(true, inMembershipTransaction(memberships, store -> store.receiptsOn(bob)));
        inMembershipTransaction(memberships, store -> {
            store.forget(alice, "general");
            return null;
        });
        assertNull(inMembershipTransaction(memberships, store -> store.read(alice, "general", 1)));
        inTransaction(store -> store.purge("random"));
        assertEquals(List.of(), inMembershipTransaction(memberships, store -> store.kept(alice)));
    }

    @Test
    void conversationsKeepTheirMembersADirectPairIsOneConversationAndAPurgeDeletesThem() {
        ConversationStore conversations = new ConversationStore();
        conversations.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        PrivateRooms.Member alice = new PrivateRooms.Member("a:alice", "alice");
        PrivateRooms.Member bob = new PrivateRooms.Member("a:bob", "Bob");
        String pair = "a:alice a:bob";
        Conversation plans = inConversationTransaction(
                conversations,
                store -> store.create("~plans0000000000", Conversation.Kind.PRIVATE, "Plans", null, List.of(alice)));
        assertEquals(
                new Conversation("~plans0000000000", Conversation.Kind.PRIVATE, "Plans", Map.of("a:alice", "alice")),
                plans);
        assertEquals(0L, lastSeq("~plans0000000000"), "its room is made with it");
        Conversation direct = inConversationTransaction(
                conversations,
                store -> store.create("~direct000000000", Conversation.Kind.DIRECT, null, pair, List.of(alice, bob)));
        assertEquals(direct, inConversationTransaction(conversations, store -> store.findDirect(pair)));
        assertThrows(
                RuntimeException.class,
                () -> inConversationTransaction(
                        conversations,
                        store -> store.create(
                                "~twin00000000000", Conversation.Kind.DIRECT, null, pair, List.of(bob, alice))),
                "a second conversation of the same pair fails inside its transaction");
        assertNull(inConversationTransaction(conversations, store -> store.find("~twin00000000000")));

        inConversationTransaction(conversations, store -> store.add("~plans0000000000", bob));
        assertEquals(
                Map.of("a:alice", "alice", "a:bob", "Bob"),
                inConversationTransaction(conversations, store -> store.find("~plans0000000000"))
                        .members());
        inConversationTransaction(conversations, store -> store.remove("~plans0000000000", "a:alice"));
        assertEquals(
                List.of("~direct000000000", "~plans0000000000"),
                inConversationTransaction(
                                conversations,
                                store -> store.findAll(List.of("general", "~plans0000000000", "~direct000000000")))
                        .stream()
                        .map(Conversation::room)
                        .sorted()
                        .toList());

        assertNull(inConversationTransaction(conversations, store -> store.accountName("a:bob", "bob")));
        inAccountTransaction(store -> store.remember("bob"));
        MembershipStore memberships = new MembershipStore();
        memberships.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        assertEquals("bob", inConversationTransaction(conversations, store -> store.accountName("a:bob", "bob")));
        inMembershipTransaction(memberships, store -> store.keep("a:bob", "Bob", "general", 0));
        assertEquals("Bob", inConversationTransaction(conversations, store -> store.accountName("a:bob", "bob")));

        inTransaction(store -> store.purge("~plans0000000000"));
        assertNull(inConversationTransaction(conversations, store -> store.find("~plans0000000000")));
    }

    /**
     * Files: an upload is stored within its owner's quota; a message carries only its sender's uploads that no message
     * carries yet (in a batch too), and history gives them back; a deleted message, an unposted upload past its time
     * and a deleted room take their files with them.
     */
    @Test
    void messagesCarryTheirSendersUploadsOnceAndTakeThemAlongWhenDeleted() {
        FileStore files = new FileStore();
        files.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Attachment shot = Attachment.of("shot00000000000000000A", "shot.png", "image/png", 3, 2, 1);
        Attachment log = Attachment.of("log000000000000000000B", "build.log", "text/plain", 4, 0, 0);
        Attachment bobs = Attachment.of("bobs00000000000000000C", "b.txt", "text/plain", 2, 0, 0);
        assertTrue((boolean) inFileTransaction(
                files, store -> store.saveWithinQuota(shot, "a:alice", new byte[] {1, 2, 3}, 7)));
        assertTrue((boolean) inFileTransaction(
                files, store -> store.saveWithinQuota(log, "a:alice", new byte[] {4, 5, 6, 7}, 7)));
        assertFalse(
                (boolean) inFileTransaction(
                        files, store -> store.saveWithinQuota(bobs, "a:alice", new byte[] {8, 9}, 7)),
                "over alice's quota of 7 bytes");
        assertTrue((boolean) inFileTransaction(
                files, store -> store.saveWithinQuota(bobs, "a:bob", new byte[] {8, 9}, 7)));
        assertEquals(
                java.util.Set.of(shot.id(), bobs.id()),
                inFileTransaction(
                        files, store -> store.existing(List.of(shot.id(), bobs.id(), "none0000000000000000ZZ"))));

        List<Receipt> batch = inTransaction(store -> store.appendAll(List.of(
                withFiles(post("general", "alice", "", "f-1"), shot.id()),
                withFiles(post("general", "alice", "again", "f-2"), shot.id()),
                withFiles(post("general", "alice", "not mine", "f-3"), bobs.id()),
                withFiles(post("general", "alice", "none such", "f-4"), "none0000000000000000ZZ"))));
        assertEquals(List.of(shot), storedMessage(batch.get(0)).files(), batch.toString());
        assertEquals(
                List.of(Receipt.Invalid.class, Receipt.Invalid.class, Receipt.Invalid.class),
                batch.subList(1, 4).stream().map(Object::getClass).toList(),
                "carried already, someone else's, unknown: " + batch);
        assertEquals(List.of(shot), all("general").get(0).files(), "history gives the files back");
        assertEquals(1, all("general").size(), "nothing else was stored");
        assertEquals(
                "general",
                inFileTransaction(files, store -> store.find(shot.id())).room());
        assertEquals(
                List.of(shot),
                assertInstanceOf(
                                Receipt.Repeated.class,
                                inTransaction(store ->
                                        store.append(withFiles(post("general", "alice", "", "f-1"), shot.id()))))
                        .message()
                        .files(),
                "a retry of the ref is answered with the message, files and all");

        inTransaction(store -> store.redact("general", 1));
        assertEquals(
                List.of(new FilesDeleted(List.of(shot.id()))),
                filesDeleted,
                "bytes kept outside the database are told to go");
        assertNull(all("general").get(0).files(), "a deleted message shows no files");
        assertNull(inFileTransaction(files, store -> store.find(shot.id())), "its files are deleted with it");
        assertNull(inFileTransaction(files, store -> store.content(shot.id())));

        assertEquals(List.of(), inFileTransaction(files, store -> store.removeUnpostedBefore(NOW.toEpochMilli(), 10)));
        assertEquals(
                java.util.Set.of(log.id(), bobs.id()),
                java.util.Set.copyOf(
                        inFileTransaction(files, store -> store.removeUnpostedBefore(NOW.toEpochMilli() + 1, 10))));
        assertNull(inFileTransaction(files, store -> store.find(log.id())), "an upload no message took goes");
        assertNull(inFileTransaction(files, store -> store.content(bobs.id())));

        Attachment kept = Attachment.of("kept00000000000000000D", "k.txt", "text/plain", 1, 0, 0);
        inFileTransaction(files, store -> store.saveWithinQuota(kept, "a:alice", new byte[] {1}, 7));
        inTransaction(store -> store.append(withFiles(post("random", "alice", "", null), kept.id())));
        assertEquals(
                List.of(), inFileTransaction(files, store -> store.removeUnpostedBefore(NOW.toEpochMilli() + 1, 10)));
        assertArrayEquals(new byte[] {1}, inFileTransaction(files, store -> store.content(kept.id())));
        inTransaction(store -> store.purge("random"));
        assertNull(inFileTransaction(files, store -> store.find(kept.id())), "a deleted room takes its files");
        assertEquals(new FilesDeleted(List.of(kept.id())), filesDeleted.get(filesDeleted.size() - 1));
        assertEquals(0L, (long) inFileTransaction(files, store -> store.usedBy("a:alice")));
    }

    /**
     * A retry of a post with files that comes while the first is still being committed by another instance (or
     * connection): it waits for the first's locks, then is the first's echo, not a refusal of its uploads as carried.
     */
    @Test
    void aRetryWithFilesWhileTheFirstIsInFlightIsAnsweredWithTheStoredMessage() throws Exception {
        FileStore files = new FileStore();
        files.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Attachment shot = Attachment.of("shot00000000000000000A", "shot.png", "image/png", 3, 2, 1);
        Attachment log = Attachment.of("log000000000000000000B", "build.log", "text/plain", 4, 0, 0);
        inFileTransaction(files, store -> store.saveWithinQuota(shot, "a:alice", new byte[] {1, 2, 3}, 100));
        inFileTransaction(files, store -> store.saveWithinQuota(log, "a:alice", new byte[] {4, 5, 6, 7}, 100));

        List<Receipt> alone = whileAnotherInstanceHoldsGeneral(
                store -> List.of(store.append(withFiles(post("general", "alice", "look", "f-1"), shot.id()))),
                store -> List.of(store.append(withFiles(post("general", "alice", "look", "f-1"), shot.id()))));
        assertEquals(1, storedMessage(alone.get(0)).seq());
        assertEquals(
                List.of(shot),
                assertInstanceOf(Receipt.Repeated.class, alone.get(1)).message().files(),
                alone.toString());

        List<Receipt> batched = whileAnotherInstanceHoldsGeneral(
                store -> store.appendAll(List.of(withFiles(post("general", "alice", "and", "f-2"), log.id()))),
                store -> store.appendAll(List.of(
                        withFiles(post("general", "alice", "and", "f-2"), log.id()),
                        post("general", "alice", "after", "f-3"))));
        assertEquals(2, storedMessage(batched.get(0)).seq());
        assertInstanceOf(Receipt.Repeated.class, batched.get(1), batched.toString());
        assertEquals(3, storedMessage(batched.get(2)).seq());
        assertEquals(List.of("look", "and", "after"), texts(all("general")));
    }

    /** The post as an account's with files: only logged-in users upload. */
    private static MessagePosted withFiles(MessagePosted post, String... files) {
        return new MessagePosted(
                post.id(),
                post.room(),
                new Identity(post.sender().name(), true),
                post.text(),
                post.ref(),
                post.at(),
                false,
                Mentions.NONE,
                List.of(files));
    }

    private static <R> R inFileTransaction(FileStore store, Function<FileStore, R> work) {
        return StoreTransaction.run(database, store, work);
    }

    private static <R> R inConversationTransaction(ConversationStore store, Function<ConversationStore, R> work) {
        return StoreTransaction.run(database, store, work);
    }

    private static void inAccountTransaction(java.util.function.Consumer<AccountStore> work) {
        EntityManager em = database.createEntityManager();
        em.getTransaction().begin();
        AccountStore store = new AccountStore();
        store.em = em;
        work.accept(store);
        em.getTransaction().commit();
        em.close();
    }

    /**
     * A post's mentions are stored with it for the named keepers of the room (never its sender, nor a user who does
     * not keep the room), {@code @room} for every keeper while there are few enough; the count is what lies above
     * the marker and is not deleted, and a written marker deletes the rows at or below it.
     */
    @Test
    void mentionsOfKeepersAreStoredWithTheMessageAndCountedAboveTheMarker() {
        MembershipStore memberships = new MembershipStore();
        memberships.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        cut.mentionRules = new MentionSettings(20, 2);
        String alice = Identity.accountKey("alice");
        String bob = Identity.accountKey("bob");
        inMembershipTransaction(memberships, store -> {
            store.keep(alice, "Alice", "general", 0);
            store.keep(bob, "Bob", "general", 0);
            store.keep(alice, "Alice", "random", 0);
            return null;
        });
        inTransaction(store -> store.appendAll(List.of(
                mentioning("general", "bob", "hi @alice and @carol"), // 1: alice (carol keeps nothing)
                mentioning("general", "alice", "@alice @bob"), // 2: bob, not its sender alice
                mentioning("general", "bob", "@room"), // 3: alice (its sender bob not)
                mentioning("random", "bob", "@ALICE"), // 1 of random: alice
                mentioning("general", "carol", "no one"))));
        inTransaction(store -> store.append(mentioning("general", "bob", "@alice again"))); // 5: alice
        inTransaction(store -> store.redact("general", 5));

        assertEquals(
                List.of(new Event.KeptRoom("general", 0, 3, 5, 2L), new Event.KeptRoom("random", 0, 1, 1, 1L)),
                inMembershipTransaction(memberships, store -> store.kept(alice)),
                "deleted 5 counts neither unread nor mentioned");
        assertEquals(
                List.of(new Event.KeptRoom("general", 0, 2, 5, 1L)),
                inMembershipTransaction(memberships, store -> store.kept(bob)));
        assertEquals(
                new RoomMemberships.Marker(2, 2, 0, 1),
                inMembershipTransaction(memberships, store -> store.read(alice, "general", 2)));
        inMembershipTransaction(memberships, store -> {
            store.store(Map.of(new RoomMemberships.Key(alice, "general"), 2L));
            return null;
        });
        assertEquals(List.of(3L, 5L), mentionSeqs(alice, "general"), "rows at or below the marker went");

        inMembershipTransaction(memberships, store -> {
            store.keep(Identity.accountKey("carol"), "Carol", "general", 0);
            return null;
        });
        inTransaction(store -> store.append(mentioning("general", "dave", "@room")));
        assertEquals(List.of(3L, 5L), mentionSeqs(alice, "general"), "@room notifies no one in 3 keepers > 2");

        inMembershipTransaction(memberships, store -> {
            store.forget(alice, "random");
            return null;
        });
        assertEquals(List.of(), mentionSeqs(alice, "random"), "a forgotten room's mentions go");
        inTransaction(store -> store.purge("general"));
        assertEquals(List.of(), mentionSeqs(bob, "general"), "a deleted room's mentions go");
    }

    private static List<Long> mentionSeqs(String userKey, String room) {
        EntityManager em = database.createEntityManager();
        try {
            return em.createQuery(
                            "SELECT mn.seq FROM Mention mn WHERE mn.userKey = :user AND mn.room = :room "
                                    + "ORDER BY mn.seq",
                            Long.class)
                    .setParameter("user", userKey)
                    .setParameter("room", room)
                    .getResultList();
        } finally {
            em.close();
        }
    }

    private static MessagePosted mentioning(String room, String sender, String text) {
        return new MessagePosted(
                IDS.incrementAndGet(), room, new Identity(sender, true), text, null, NOW, false, Mentions.in(text, 20));
    }

    private static <R> R inMembershipTransaction(MembershipStore store, Function<MembershipStore, R> work) {
        return StoreTransaction.run(database, store, work);
    }

    @Test
    void aFailedBatchStoresNothingAndTakesNoSeq() {
        assertThrows(
                RuntimeException.class,
                () -> inTransaction(store -> store.appendAll(List.of(
                        post("general", "alice", "lost", null), post("general", "bob", "x".repeat(8001), null)))));

        assertEquals(0, lastSeq("general"));
        assertEquals(1, stored(inTransaction(store -> store.append(post("general", "alice", "first", null)))));
    }

    @Test
    void aPurgeDeletesTheRoomsMessagesAndStateAndLaterPostsToItAreNotStored() {
        inTransaction(store -> store.appendAll(List.of(
                post("random", "alice", "r1", "a-1"),
                post("general", "bob", "g1", null),
                post("random", "bob", "r2", null))));

        assertEquals(2L, (long) inTransaction(store -> store.purge("random")));

        assertEquals(Map.of("general", 1L), inTransaction(MessageStore::rooms));
        assertEquals(List.of(), all("random"));
        List<Receipt> late = inTransaction(store -> store.appendAll(
                List.of(post("random", "carol", "too late", null), post("general", "carol", "g2", null))));
        assertInstanceOf(Receipt.NotStored.class, late.get(0), "a deleted room takes nothing");
        assertEquals(2, stored(late.get(1)), "and fails nobody else's post");
        assertInstanceOf(
                Receipt.NotStored.class, inTransaction(store -> store.append(post("random", "alice", "r1", "a-1"))));
        assertEquals(0L, (long) inTransaction(store -> store.purge("random")), "a second purge finds nothing");
        assertEquals(0L, (long) inTransaction(store -> store.openRoom("random")), "the name is new again");
        assertEquals(1, stored(inTransaction(store -> store.append(post("random", "alice", "r1", "a-1")))));
    }

    @Test
    void aBatchAnswersARefStoredEarlierFromTheStoredRowAndStoresTheRest() {
        Receipt earlier = inTransaction(store -> store.append(post("general", "alice", "hello", "r-1")));
        List<MessagePosted> batch = List.of(
                post("general", "bob", "before", null),
                post("general", "Alice", "hello", "r-1"),
                post("general", "alice", "changed", "r-1"),
                post("random", "carol", "after", "r-1"));

        List<Receipt> receipts = inTransaction(store -> store.appendAll(batch));

        assertEquals(2, stored(receipts.get(0)));
        assertEquals(new Receipt.Repeated(storedMessage(earlier)), receipts.get(1), "one look-up for the batch");
        assertEquals(new Receipt.RefConflict(1), receipts.get(2));
        assertEquals(1, stored(receipts.get(3)), "a ref is per room and sender");
        assertEquals(List.of("hello", "before"), texts(all("general")));
        assertEquals(List.of("after"), texts(all("random")));
    }

    @Test
    void aRetryFromOutsideTheRoomIsAnsweredFromTheStoredRowAndNeverStored() {
        Receipt first = inTransaction(store -> store.append(post("general", "alice", "hello", "r-1")));

        List<Receipt> receipts = inTransaction(store -> store.appendAll(List.of(
                retry("general", "alice", "hello", "r-1"),
                retry("general", "alice", "changed", "r-1"),
                retry("general", "alice", "never sent", "r-2"))));

        assertEquals(new Receipt.Repeated(storedMessage(first)), receipts.get(0));
        assertEquals(new Receipt.RefConflict(1), receipts.get(1));
        assertEquals(new Receipt.NotStored(), receipts.get(2));
        assertEquals(
                new Receipt.NotStored(), inTransaction(store -> store.append(retry("general", "bob", "x", "r-3"))));
        assertEquals(List.of("hello"), texts(all("general")));
    }

    @Test
    void aRefTwiceInOneBatchIsStoredOnceAndAnsweredFromTheFirst() {
        List<Receipt> receipts = inTransaction(store -> store.appendAll(List.of(
                post("general", "alice", "hello", "r-1"),
                post("general", "bob", "hello", "r-1"),
                post("general", "ALICE", "hello", "r-1"),
                post("general", "alice", "changed", "r-1"))));

        assertEquals(1, stored(receipts.get(0)));
        assertEquals(2, stored(receipts.get(1)), "a ref is per sender");
        assertEquals(new Receipt.Repeated(storedMessage(receipts.get(0))), receipts.get(2));
        assertEquals(new Receipt.RefConflict(1), receipts.get(3));
        assertEquals(List.of("hello", "hello"), texts(all("general")));
    }

    @Test
    void aStoredRefIsARepeatWithTheSameTextAndAConflictWithAnother() {
        Receipt first = inTransaction(store -> store.append(post("general", "alice", "hello", "r-1")));

        assertEquals(
                new Receipt.Repeated(storedMessage(first)),
                inTransaction(store -> store.append(post("general", "Alice", "hello", "r-1"))));
        assertEquals(
                new Receipt.RefConflict(1),
                inTransaction(store -> store.append(post("general", "alice", "goodbye", "r-1"))));
        assertEquals(
                Optional.of(new Receipt.RefConflict(1)),
                inTransaction(store -> store.replay("general", "g:alice", "r-1", "goodbye")));
        assertEquals(1, stored(inTransaction(store -> store.append(post("random", "alice", "hello", "r-1")))));
        assertEquals(List.of("hello"), texts(all("general")));
    }

    @Test
    void aRefIsMatchedForTheWholeWindowAndNotAfter() {
        cut.readSettings();
        Duration window = cut.refWindow;
        Receipt first = inTransaction(store -> store.append(post("general", "alice", "hello", "r-1")));

        cut.clock = Clock.fixed(NOW.plus(window), ZoneOffset.UTC);
        assertEquals(
                new Receipt.Repeated(storedMessage(first)),
                inTransaction(store -> store.append(post("general", "alice", "hello", "r-1"))));

        cut.clock = Clock.fixed(NOW.plus(window).plusMillis(1), ZoneOffset.UTC);
        assertEquals(Optional.empty(), inTransaction(store -> store.replay("general", "g:alice", "r-1", "hello")));
        Receipt again = inTransaction(store -> store.append(post("general", "alice", "hello again", "r-1")));

        assertEquals(2, stored(again));
        assertNull(all("general").get(0).ref(), "the expired ref is cleared, so the unique key lets it be reused");
        assertEquals("r-1", all("general").get(1).ref());
    }

    @Test
    void anExpiredRefInABatchIsClearedFromTheOldRowAndStoredAgain() {
        cut.readSettings();
        inTransaction(store -> store.append(post("general", "alice", "hello", "r-1")));
        cut.clock = Clock.fixed(NOW.plus(cut.refWindow).plusMillis(1), ZoneOffset.UTC);

        List<Long> seqs = inTransaction(store -> store.appendAll(
                        List.of(post("general", "bob", "hi", null), post("general", "alice", "hello again", "r-1"))))
                .stream()
                .map(this::stored)
                .toList();

        assertEquals(List.of(2L, 3L), seqs);
        assertNull(all("general").get(0).ref());
        assertEquals("r-1", all("general").get(2).ref());
    }

    @Test
    void pagesBeforeAndAfterHoldAtMostTheLimitAndSayWhetherThereIsMore() {
        IntStream.rangeClosed(1, 5)
                .forEach(n -> inTransaction(store -> store.append(post("general", "alice", "m" + n, null))));

        assertPage(List.of(4L, 5L), true, inTransaction(store -> store.page("general", Long.MAX_VALUE, null, 2)));
        assertPage(List.of(4L, 5L), true, inTransaction(store -> store.page("general", 6L, null, 2)));
        assertPage(List.of(2L, 3L), true, inTransaction(store -> store.page("general", 4L, null, 2)));
        assertPage(List.of(1L, 2L), false, inTransaction(store -> store.page("general", 3L, null, 2)));
        assertPage(List.of(1L), false, inTransaction(store -> store.page("general", 2L, null, 2)));
        assertPage(List.of(), false, inTransaction(store -> store.page("general", 1L, null, 2)));

        assertPage(List.of(1L, 2L), true, inTransaction(store -> store.page("general", null, 0L, 2)));
        assertPage(List.of(3L, 4L), true, inTransaction(store -> store.page("general", null, 2L, 2)));
        assertPage(List.of(4L, 5L), false, inTransaction(store -> store.page("general", null, 3L, 2)));
        assertPage(List.of(5L), false, inTransaction(store -> store.page("general", null, 4L, 2)));
        assertPage(List.of(), false, inTransaction(store -> store.page("general", null, 5L, 2)));

        assertPage(List.of(1L, 2L, 3L, 4L, 5L), false, inTransaction(store -> store.page("general", null, 0L, 5)));
        assertPage(List.of(), false, inTransaction(store -> store.page("random", null, 0L, 5)));
        assertEquals(List.of(3L, 4L, 5L), seqs(inTransaction(store -> store.latest("general", 3))));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(inTransaction(store -> store.latest("general", 50))));
    }

    @Test
    void aDeletedMessageKeepsItsSeqAndRefAndLosesItsText() {
        inTransaction(store -> store.append(post("general", "alice", "first", null)));
        inTransaction(store -> store.append(post("general", "alice", "secret", "r-2")));
        inTransaction(store -> store.append(post("general", "bob", "third", null)));

        Event.Message deleted =
                inTransaction(store -> store.redact("general", 2)).orElseThrow();

        Event.Message redacted = new Event.Message("general", 2, "alice", "", NOW, null, true, true);
        assertEquals(redacted, deleted, "the deletion's broadcast carries no ref");
        assertEquals(
                List.of(1L, 2L, 3L),
                seqs(inTransaction(store -> store.page("general", null, 0L, 10)).messages()));
        assertEquals(redacted.withRef("r-2"), all("general").get(1), "the sender's copy still matches its ref");
        assertEquals(
                Optional.of(deleted), inTransaction(store -> store.redact("general", 2)), "deleting is idempotent");
        assertEquals(
                new Receipt.Repeated(redacted.withRef("r-2")),
                inTransaction(store -> store.append(post("general", "alice", "other text", "r-2"))),
                "a retry of a deleted message is a repeat, never a conflict or a new message");
        assertEquals(Optional.empty(), inTransaction(store -> store.redact("general", 4)));
        assertEquals(3, lastSeq("general"));
    }

    @Test
    void aPostAloneWaitsForAnotherInstancesBatchAndTakesTheNextSeq() throws Exception {
        List<Receipt> receipts = whileAnotherInstanceHoldsGeneral(
                store -> store.appendAll(
                        List.of(post("general", "alice", "a1", null), post("general", "alice", "a2", null))),
                store -> List.of(store.append(post("general", "bob", "b1", null))));

        assertEquals(List.of(1L, 2L, 3L), receipts.stream().map(this::stored).toList());
        assertEquals(List.of("a1", "a2", "b1"), texts(all("general")));
    }

    @Test
    void aBatchWaitsForAnotherInstancesPostAndTakesTheNextSeqs() throws Exception {
        List<Receipt> receipts = whileAnotherInstanceHoldsGeneral(
                store -> List.of(store.append(post("general", "alice", "a1", null))),
                store -> store.appendAll(
                        List.of(post("random", "bob", "r1", null), post("general", "bob", "b1", null))));

        assertEquals(List.of(1L, 1L, 2L), receipts.stream().map(this::stored).toList());
        assertEquals(List.of("a1", "b1"), texts(all("general")));
    }

    /**
     * Two instances on one database: the second posts while the first has stored and not committed. Only the lock on
     * the room's counter row makes the second wait and read the first's seq; without it, it would read the committed
     * counter and collide with the first's seq.
     *
     * @return the first's receipts, then the second's
     */
    private static List<Receipt> whileAnotherInstanceHoldsGeneral(
            Function<MessageStore, List<Receipt>> first, Function<MessageStore, List<Receipt>> second)
            throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Thread> otherThread = new CompletableFuture<>();
            List<Future<List<Receipt>>> secondReceipts = new ArrayList<>();
            List<Receipt> receipts = new ArrayList<>(inTransaction(instance(), store -> {
                List<Receipt> firstReceipts = first.apply(store);
                secondReceipts.add(other.submit(() -> {
                    otherThread.complete(Thread.currentThread());
                    return inTransaction(instance(), second);
                }));
                awaitWaitingOnTheDatabase(otherThread.join(), secondReceipts.get(0));
                return firstReceipts;
            }));
            receipts.addAll(secondReceipts.get(0).get(10, TimeUnit.SECONDS));
            return receipts;
        } finally {
            other.shutdownNow();
        }
    }

    /** Polls, because a thread waiting for a row lock says so only through its state. */
    private static void awaitWaitingOnTheDatabase(Thread thread, Future<?> work) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.TIMED_WAITING && thread.getState() != Thread.State.WAITING) {
            assertFalse(work.isDone(), "the second instance did not wait for the first one's lock");
            assertTrue(System.nanoTime() < deadline, "the second instance is not waiting after 10 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static MessageStore instance() {
        MessageStore store = new MessageStore();
        store.filesDeleted = new dev.parley.testing.EventDouble<>(deleted -> {});
        store.refWindow = Duration.ofHours(24);
        store.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return store;
    }

    private <R> R inTransaction(Function<MessageStore, R> work) {
        return inTransaction(cut, work);
    }

    private static <R> R inTransaction(MessageStore store, Function<MessageStore, R> work) {
        return StoreTransaction.run(database, store, work);
    }

    private List<Event.Message> all(String room) {
        return inTransaction(store -> store.page(room, null, 0L, 1000)).messages();
    }

    private long lastSeq(String room) {
        Long last = inTransaction(store -> store.openRoom(room));
        return last;
    }

    private static final AtomicLong IDS = new AtomicLong();

    private static MessagePosted post(String room, String sender, String text, String ref) {
        return new MessagePosted(IDS.incrementAndGet(), room, new Identity(sender, false), text, ref, NOW, false);
    }

    private static MessagePosted retry(String room, String sender, String text, String ref) {
        return new MessagePosted(IDS.incrementAndGet(), room, new Identity(sender, false), text, ref, NOW, true);
    }

    private long stored(Receipt receipt) {
        return storedMessage(receipt).seq();
    }

    private static Event.Message storedMessage(Receipt receipt) {
        return assertInstanceOf(Receipt.Stored.class, receipt).message();
    }

    private static List<Long> seqs(List<Event.Message> messages) {
        return messages.stream().map(Event.Message::seq).toList();
    }

    private static List<String> texts(List<Event.Message> messages) {
        return messages.stream().map(Event.Message::text).toList();
    }

    private static void assertPage(List<Long> seqs, boolean more, Event.History page) {
        assertEquals(seqs, seqs(page.messages()), "seqs");
        assertEquals(more, page.more(), "more");
    }
}
