package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.Event;
import dev.parley.testing.Poll;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What rooms keep in memory: one budget for their recent messages, limited creation, deletion. */
class RoomsMemoryTest {

    static final int BUDGET = 20_000;
    static final String TEXT = "x".repeat(1000);

    ChatFixture chat = new ChatFixture(Map.of(
            "parley.rooms.cache-chars", String.valueOf(BUDGET),
            "parley.presence.grace-ms", "100",
            "parley.rooms.created-per-user-per-hour", "1000"));
    Rooms cut = chat.rooms;

    RecordingSink aliceSink = new RecordingSink();
    RecordingSink bobSink = new RecordingSink();
    Connection alice = chat.guest("alice", aliceSink);
    Connection bob = chat.guest("bob", bobSink);

    @Test
    void aRoomWhoseLastMemberLeftKeepsNoMessagesAndTheNextJoinReadsThemAgain() {
        cut.join(alice, new Command.Join("lobby"));
        for (int i = 1; i <= 3; i++) {
            cut.post(alice, new Command.Say("lobby", "message " + i, null));
        }
        assertTrue(cut.cachedChars() > 3 * "message 1".length(), "the messages are cached while alice is in");

        cut.leave(alice, new Command.Leave("lobby"));

        assertEquals(0, cut.cachedChars(), "an empty room holds nothing");
        cut.join(bob, new Command.Join("lobby"));
        JsonObject joined = bobSink.next("joined");
        assertEquals(3, joined.getJsonArray("history").size());
        assertEquals(
                "message 3", joined.getJsonArray("history").getJsonObject(2).getString("text"));
        assertEquals(3, joined.getInt("last"));
    }

    @Test
    void aRoomLeftByDisconnectingKeepsNothingOnceThePresenceGraceHasPassed() {
        cut.join(alice, new Command.Join("lobby"));
        cut.post(alice, new Command.Say("lobby", "hello", null));
        assertTrue(cut.cachedChars() > 0);

        alice.closed();
        cut.disconnected(alice);

        Poll.until(Duration.ofSeconds(10), () -> cut.cachedChars() == 0, "the cache dropped after the grace");
        assertEquals(Optional.of(List.of()), cut.members("lobby"));
    }

    @Test
    void theCachesOfTheRoomsUsedLongestAgoGoFirstAndTheirHistoryIsReadAgain() {
        // alice stays in every room: evictions must take caches of rooms with members too
        for (int room = 0; room < 10; room++) {
            cut.join(alice, new Command.Join("r" + room));
            for (int i = 0; i < 5; i++) {
                cut.post(alice, new Command.Say("r" + room, TEXT, null));
                assertTrue(cut.cachedChars() <= BUDGET, "over the budget: " + cut.cachedChars());
            }
        }
        assertTrue(cut.cachedChars() > BUDGET / 2, "the budget is used, not emptied: " + cut.cachedChars());

        cut.join(bob, new Command.Join("r0"));

        JsonObject joined = bobSink.next("joined");
        assertEquals(5, joined.getJsonArray("history").size(), "the evicted room's history comes from the archive");
        assertEquals(5, joined.getInt("last"));
        assertTrue(cut.cachedChars() <= BUDGET);
        cut.post(alice, new Command.Say("r9", "still cached", null));
        cut.join(bob, new Command.Join("r9"));
        JsonObject recent = bobSink.next("joined");
        assertEquals(6, recent.getJsonArray("history").size());
        assertEquals(
                "still cached", recent.getJsonArray("history").getJsonObject(5).getString("text"));
    }

    @Test
    void underConcurrentPostsJoinsAndLeavesTheTotalStaysNearTheBudgetAndAddsUpToNothingWhenAllHaveLeft()
            throws Exception {
        int users = 4;
        ExecutorService threads = Executors.newFixedThreadPool(users + 1);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong highest = new AtomicLong();
        CountDownLatch sampling = new CountDownLatch(1);
        Future<?> sampler = threads.submit(() -> {
            sampling.countDown();
            while (running.get()) {
                highest.accumulateAndGet(cut.cachedChars(), Math::max);
                Thread.onSpinWait();
            }
        });
        assertTrue(sampling.await(10, TimeUnit.SECONDS));
        List<Future<?>> writers = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        for (int user = 0; user < users; user++) {
            Connection connection = chat.guest("user" + user, new RecordingSink());
            connections.add(connection);
            int first = user;
            writers.add(threads.submit(() -> {
                for (int round = 0; round < 20; round++) {
                    // neighbours share rooms: joins, leaves, posts and evictions of one room on several threads
                    String room = "r" + ((first + round) % 6);
                    cut.join(connection, new Command.Join(room));
                    for (int i = 0; i < 5; i++) {
                        cut.post(connection, new Command.Say(room, TEXT, null));
                    }
                    if (round % 3 == 0) {
                        cut.leave(connection, new Command.Leave(room));
                    }
                }
            }));
        }
        for (Future<?> writer : writers) {
            writer.get(30, TimeUnit.SECONDS);
        }
        running.set(false);
        sampler.get(10, TimeUnit.SECONDS);
        threads.shutdown();

        assertTrue(cut.cachedChars() <= BUDGET, "after the last trim: " + cut.cachedChars());
        // a join keeps the room it read (up to 50 messages) even when that alone is over the budget
        long roomLoadPerThread = users * ChatLimits.JOINED_HISTORY * RecentCaches.size(message("r0"));
        assertTrue(
                highest.get() <= BUDGET + roomLoadPerThread,
                "at most a room's load per thread above the budget while trimming: " + highest.get());
        for (Connection connection : connections) {
            for (String room : List.copyOf(connection.rooms())) {
                cut.leave(connection, new Command.Leave(room));
            }
        }
        assertEquals(0, cut.cachedChars(), "every change was counted once: with every room empty nothing is left");
    }

    @Test
    void aUserCreatesAtMostTheConfiguredRoomsAnHourButJoinsExistingOnes() throws InterruptedException {
        try (ChatFixture limited = new ChatFixture(Map.of("parley.rooms.created-per-user-per-hour", "2"))) {
            RecordingSink carolSink = new RecordingSink();
            RecordingSink daveSink = new RecordingSink();
            Connection carol = guestFrom(limited, "carol", null, carolSink);
            Connection dave = guestFrom(limited, "dave", null, daveSink);
            limited.rooms.join(dave, new Command.Join("daves"));
            daveSink.next("joined");

            limited.rooms.join(carol, new Command.Join("a"));
            limited.rooms.join(carol, new Command.Join("b"));
            limited.rooms.join(carol, new Command.Join("c"));

            carolSink.next("joined");
            carolSink.next("joined");
            JsonObject refused = carolSink.next("error");
            assertEquals("limit_exceeded", refused.getString("code"));
            assertEquals("c", refused.getString("room"));
            assertTrue(refused.getString("message").contains("at most 2 rooms an hour"), refused.toString());
            assertFalse(limited.rooms.exists("c"));
            limited.rooms.join(carol, new Command.Join("daves"));
            daveSink.drain();
            assertEquals("daves", carolSink.next("joined").getString("room"), "existing rooms stay open to her");
            limited.rooms.join(dave, new Command.Join("c"));
            assertEquals("c", daveSink.next("joined").getString("room"), "others still create rooms");
        }
    }

    @Test
    void joinsOfARoomThatIsBeingCreatedDoNotCountAsCreatingIt() throws Exception {
        try (ChatFixture limited = new ChatFixture(Map.of("parley.rooms.created-per-address-per-hour", "1"))) {
            ExecutorService loader = Executors.newSingleThreadExecutor();
            limited.rooms.loader = loader;
            RecordingSink carolSink = new RecordingSink();
            RecordingSink daveSink = new RecordingSink();
            Connection carol = guestFrom(limited, "carol", "127.0.0.1", carolSink);
            Connection dave = guestFrom(limited, "dave", "127.0.0.1", daveSink);
            carol.runsCommandsWith(command -> limited.rooms.join(carol, (Command.Join) command));
            dave.runsCommandsWith(command -> limited.rooms.join(dave, (Command.Join) command));
            limited.archive.readsOpen = new CountDownLatch(1);

            carol.run(new Command.Join("storm"));
            dave.run(new Command.Join("storm"));
            limited.archive.readsOpen.countDown();

            assertEquals("storm", carolSink.next("joined").getString("room"));
            assertEquals("storm", daveSink.next("joined").getString("room"), "dave created nothing");
            loader.shutdownNow();
        }
    }

    @Test
    void anAddressCreatesAtMostTheConfiguredRoomsAnHourWhoeverAsks() throws InterruptedException {
        try (ChatFixture limited = new ChatFixture(Map.of("parley.rooms.created-per-address-per-hour", "2"))) {
            Neighbours guests = new Neighbours(limited);

            limited.rooms.join(guests.carol, new Command.Join("a"));
            limited.rooms.join(guests.dave, new Command.Join("b"));
            limited.rooms.join(guests.dave, new Command.Join("c"));
            limited.rooms.join(guests.erin, new Command.Join("d"));

            guests.carolSink.next("joined");
            guests.daveSink.next("joined");
            JsonObject refused = guests.daveSink.next("error");
            assertEquals("limit_exceeded", refused.getString("code"));
            assertTrue(refused.getString("message").contains("your address"), refused.toString());
            assertEquals("d", guests.erinSink.next("joined").getString("room"));
        }
    }

    /**
     * The snapshots that {@code joined} sends come out of one budget per address: once it is spent, the address's
     * joins are refused {@code rate_limited} (a strike each), whichever of its connections asks, while another
     * address joins the same room.
     */
    @Test
    void anAddressThatWasSentItsBudgetOfJoinSnapshotsIsRefusedFurtherJoins() throws InterruptedException {
        try (ChatFixture limited = new ChatFixture(Map.of(
                "parley.joins.chars-per-address-per-second", "1",
                "parley.joins.chars-per-address-burst", "100"))) {
            Connection poster = limited.guest("poster", new RecordingSink());
            limited.rooms.join(poster, new Command.Join("lobby"));
            for (int i = 0; i < 5; i++) {
                limited.rooms.post(poster, new Command.Say("lobby", TEXT, null));
            }
            Neighbours guests = new Neighbours(limited);

            limited.rooms.join(guests.carol, new Command.Join("lobby"));
            limited.rooms.join(guests.dave, new Command.Join("lobby"));
            limited.rooms.join(guests.erin, new Command.Join("lobby"));

            assertEquals(
                    5, guests.carolSink.next("joined").getJsonArray("history").size());
            JsonObject refused = guests.daveSink.next("error");
            assertEquals("rate_limited", refused.getString("code"), refused::toString);
            assertEquals("join", refused.getString("for"));
            assertFalse(guests.dave.rooms().contains("lobby"));
            assertEquals(
                    List.of("carol", "erin", "poster"),
                    limited.rooms.members("lobby").orElseThrow());
            assertEquals(
                    5, guests.erinSink.next("joined").getJsonArray("history").size(), "another address joins");
        }
    }

    @Test
    void aPurgedRoomIsLeftByItsMembersForgetsItsMessagesAndItsNameStartsAfresh() {
        cut.join(alice, new Command.Join("lobby"));
        cut.join(bob, new Command.Join("lobby"));
        cut.post(alice, new Command.Say("lobby", "to be deleted", null));
        aliceSink.drain();
        bobSink.drain();

        assertEquals(1, cut.purge("lobby", "the room was deleted"));

        for (RecordingSink sink : List.of(aliceSink, bobSink)) {
            JsonObject left = sink.next("left");
            assertEquals("room_closed", left.getString("reason"));
            assertEquals("the room was deleted", left.getString("text"));
        }
        assertFalse(cut.exists("lobby"));
        assertEquals(0, cut.cachedChars());
        assertFalse(chat.archive.rooms().containsKey("lobby"));
        cut.join(bob, new Command.Join("lobby"));
        JsonObject joined = bobSink.next("joined");
        assertEquals(0, joined.getJsonArray("history").size());
        assertEquals(0, joined.getInt("last"));
    }

    @Test
    void aJoinThatWasReadingTheRoomWhenItWasPurgedEntersTheNewRoomOfThatName() throws Exception {
        cut.join(alice, new Command.Join("lobby"));
        cut.post(alice, new Command.Say("lobby", "before the purge", null));
        cut.leave(alice, new Command.Leave("lobby"));
        ExecutorService loader = Executors.newSingleThreadExecutor();
        cut.loader = loader;
        bob.runsCommandsWith(command -> cut.join(bob, (Command.Join) command));
        chat.archive.readsOpen = new CountDownLatch(1);
        bob.run(new Command.Join("lobby"));

        assertEquals(1, cut.purge("lobby", "gone"));
        chat.archive.readsOpen.countDown();

        JsonObject joined = bobSink.next("joined");
        assertEquals(0, joined.getInt("last"), "not the deleted room's snapshot");
        assertEquals(0, joined.getJsonArray("history").size());
        assertEquals(Optional.of(List.of("bob")), cut.members("lobby"), "bob is in the room the registry holds");
        loader.shutdownNow();
    }

    @Test
    void aPurgeWaitsForThePostsToTheRoomOnTheirWayToTheArchiveAndDeletesThemToo() throws Exception {
        cut.join(alice, new Command.Join("lobby"));
        aliceSink.drain();
        chat.archive.holding.set(true);
        cut.post(alice, new Command.Say("lobby", "in flight", "r1"));
        ExecutorService admin = Executors.newSingleThreadExecutor();
        Future<Long> purge = admin.submit(() -> cut.purge("lobby", "gone"));
        assertEquals("left", aliceSink.next("left").getString("type"));
        assertFalse(purge.isDone(), "the post is still pending");

        chat.archive.settleHeld();

        assertEquals(1, purge.get(10, TimeUnit.SECONDS), "the post that was committing is deleted with the room");
        admin.shutdown();
        aliceSink.drain();
        cut.join(alice, new Command.Join("lobby"));
        assertEquals(0, aliceSink.next("joined").getJsonArray("history").size());
    }

    /**
     * A post that is still on its way when the purge's wait ends could otherwise be stored after a new room of the
     * same name was created, into that room: the purge is refused instead, deletes nothing, and succeeds once the
     * post has settled (the post deleted with the room).
     */
    @Test
    void aPurgeThatWouldOutrunAPostOnItsWayIsRefusedAndWorksOnceThePostSettled() {
        try (ChatFixture impatient = new ChatFixture(Map.of("parley.store.timeout-ms", "50"))) {
            RecordingSink sink = new RecordingSink();
            Connection carol = impatient.guest("carol", sink);
            impatient.rooms.join(carol, new Command.Join("lobby"));
            sink.drain();
            impatient.archive.holding.set(true);
            impatient.rooms.post(carol, new Command.Say("lobby", "late", "r1"));

            assertThrows(PostsPending.class, () -> impatient.rooms.purge("lobby", "gone"));
            assertTrue(impatient.archive.rooms().containsKey("lobby"), "nothing deleted");
            impatient.archive.settleHeld();

            assertEquals(1, impatient.rooms.purge("lobby", "gone"), "the late post is deleted with the room");
            assertFalse(impatient.archive.rooms().containsKey("lobby"), "nothing refers to the room");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    /** carol and dave connected from one address, 127.0.0.1, and erin from another, 127.0.0.2, with their sinks. */
    private static final class Neighbours {

        final RecordingSink carolSink = new RecordingSink();
        final RecordingSink daveSink = new RecordingSink();
        final RecordingSink erinSink = new RecordingSink();
        final Connection carol;
        final Connection dave;
        final Connection erin;

        Neighbours(ChatFixture chat) {
            carol = guestFrom(chat, "carol", "127.0.0.1", carolSink);
            dave = guestFrom(chat, "dave", "127.0.0.1", daveSink);
            erin = guestFrom(chat, "erin", "127.0.0.2", erinSink);
        }
    }

    /** A guest of {@code chat} connected from {@code address} (null: unknown), whose frames go to {@code sink}. */
    private static Connection guestFrom(ChatFixture chat, String name, String address, RecordingSink sink) {
        Connection connection = chat.guest(name, sink);
        connection.address(address);
        return connection;
    }

    private static Event.Message message(String room) {
        return new Event.Message(room, 1, "user0", TEXT, Instant.EPOCH, null);
    }
}
