package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoomsTest {

    ChatFixture chat = new ChatFixture(Map.of("parley.presence.grace-ms", "200"));
    Rooms cut = chat.rooms;

    RecordingSink aliceSink = new RecordingSink();
    RecordingSink bobSink = new RecordingSink();
    Connection alice = chat.guest("alice", aliceSink);
    Connection bob = chat.guest("bob", bobSink);

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void generalExistsFromTheStartAndIsListedFirst() {
        cut.join(alice, new Command.Join("zoo"));
        assertEquals("general", cut.listed().get(0));
        assertTrue(cut.listed().contains("zoo"));
    }

    /** Alice and Bob in "lobby", with what their joins sent already read. */
    private void bothInLobby() {
        cut.join(alice, new Command.Join("lobby"));
        cut.join(bob, new Command.Join("lobby"));
        aliceSink.drain();
        bobSink.drain();
    }

    /** What the endpoint does with each command: run it in the connection's turn (see {@link Connection#run}). */
    private void runsCommands(Connection connection) {
        connection.runsCommandsWith(command -> {
            if (command instanceof Command.Join join) {
                cut.join(connection, join);
            } else if (command instanceof Command.Say say) {
                cut.post(connection, say);
            }
        });
    }

    private ExecutorService aLoaderThread() {
        ExecutorService loader = Executors.newSingleThreadExecutor();
        cut.loader = loader;
        return loader;
    }

    @Test
    void aJoinThatMustReadTheArchiveReturnsAtOnceAndTheConnectionsLaterCommandsWaitForIt() throws Exception {
        ExecutorService loader = aLoaderThread();
        runsCommands(alice);
        runsCommands(bob);
        bob.run(new Command.Join("lobby"));
        bobSink.next("joined");
        chat.archive.readsOpen = new CountDownLatch(1);

        alice.run(new Command.Join("slow"));
        alice.run(new Command.Say("slow", "after the join", "r1"));
        alice.run(new Command.Join("lobby"));

        assertEquals(List.of(), aliceSink.drain(), "nothing answered while the room is read");
        bob.run(new Command.Say("lobby", "others go on", null));
        assertEquals("others go on", bobSink.next("message").getString("text"));
        chat.archive.readsOpen.countDown();
        assertEquals("slow", aliceSink.next("joined").getString("room"));
        assertEquals("r1", aliceSink.next("message").getString("ref"), "the say waited for its join");
        assertEquals("lobby", aliceSink.next("joined").getString("room"));
        loader.shutdownNow();
    }

    @Test
    void aRoomThatCannotBeReadAnswersTheJoinWithInternalAndTheConnectionGoesOn() throws Exception {
        ExecutorService loader = aLoaderThread();
        runsCommands(alice);
        cut.join(bob, new Command.Join("lobby"));
        bobSink.next("joined");
        chat.archive.readsFail.set(true);

        alice.run(new Command.Join("broken"));
        alice.run(new Command.Join("lobby"));

        JsonObject error = aliceSink.next("error");
        assertEquals("internal", error.getString("code"));
        assertEquals("lobby", aliceSink.next("joined").getString("room"), "a room in memory needs no read");
        chat.archive.readsFail.set(false);
        alice.run(new Command.Join("broken"));
        assertEquals("broken", aliceSink.next("joined").getString("room"), "the next join reads again");
        loader.shutdownNow();
    }

    @Test
    void aConnectionClosedWhileItsJoinIsReadIsNotLeftInTheRoom() throws Exception {
        ExecutorService loader = aLoaderThread();
        runsCommands(alice);
        chat.archive.readsOpen = new CountDownLatch(1);
        alice.run(new Command.Join("slow"));
        alice.closed();
        cut.disconnected(alice);

        chat.archive.readsOpen.countDown();
        loader.shutdown();
        assertTrue(loader.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(Optional.of(List.of()), cut.members("slow"), "alice left at once after her join landed");
        assertTrue(alice.rooms().isEmpty());
    }

    @Test
    void joinAnswersMembersCountHistoryAndLast() {
        cut.join(alice, new Command.Join("lobby"));
        aliceSink.next("joined");
        cut.post(alice, new Command.Say("lobby", "one", null));
        aliceSink.next("message");

        cut.join(bob, new Command.Join("lobby"));

        JsonObject joined = bobSink.next("joined");
        assertEquals(List.of("alice", "bob"), names(joined, "members"));
        assertEquals(2, joined.getInt("count"));
        assertEquals(1, joined.getJsonArray("history").size());
        assertEquals(1, joined.getInt("last"));
        JsonObject presence = aliceSink.next("presence");
        assertEquals(List.of("bob"), names(presence, "joined"));
        assertEquals(List.of(), names(presence, "left"));
    }

    @Test
    void joiningAgainAnswersJoinedWithoutPresence() {
        bothInLobby();

        cut.join(bob, new Command.Join("lobby"));

        bobSink.next("joined");
        cut.post(bob, new Command.Say("lobby", "marker", null));
        assertEquals("message", aliceSink.next().getString("type"), "no presence before the marker");
    }

    @Test
    void messagesCarryConsecutiveSeqAndTheRefOnlyForTheSender() {
        bothInLobby();

        cut.post(alice, new Command.Say("lobby", "hello", "r1"));
        cut.post(bob, new Command.Say("lobby", "hi", null));

        JsonObject own = aliceSink.next("message");
        assertEquals(1, own.getInt("seq"));
        assertEquals("r1", own.getString("ref"));
        assertEquals(2, aliceSink.next("message").getInt("seq"));
        JsonObject seenByBob = bobSink.next("message");
        assertEquals("alice", seenByBob.getString("from"));
        assertFalse(seenByBob.containsKey("ref"));
        assertEquals(2, bobSink.next("message").getInt("seq"));
    }

    @Test
    void aRetriedRefIsAnsweredToTheSenderOnlyAndAChangedTextConflicts() {
        cut.join(alice, new Command.Join("lobby"));
        cut.join(bob, new Command.Join("lobby"));
        cut.post(alice, new Command.Say("lobby", "hello", "r1"));
        aliceSink.drain();
        bobSink.drain();

        cut.post(alice, new Command.Say("lobby", "hello", "r1"));
        JsonObject again = aliceSink.next("message");
        assertEquals(1, again.getInt("seq"));
        assertEquals("r1", again.getString("ref"));

        cut.post(alice, new Command.Say("lobby", "changed", "r1"));
        JsonObject conflict = aliceSink.next("error");
        assertEquals("ref_conflict", conflict.getString("code"));
        assertEquals("say", conflict.getString("for"));
        assertEquals("r1", conflict.getString("ref"));

        cut.post(alice, new Command.Say("lobby", "marker", null));
        assertEquals(2, bobSink.next("message").getInt("seq"), "bob saw no second copy of seq 1");
    }

    @Test
    void aRetryAfterLeavingStillGetsTheStoredMessage() {
        cut.join(alice, new Command.Join("lobby"));
        cut.post(alice, new Command.Say("lobby", "hello", "r1"));
        cut.leave(alice, new Command.Leave("lobby"));
        aliceSink.drain();

        cut.post(alice, new Command.Say("lobby", "hello", "r1"));

        JsonObject again = aliceSink.next("message");
        assertEquals(1, again.getInt("seq"));
        cut.post(alice, new Command.Say("lobby", "new", "r2"));
        assertEquals("not_member", aliceSink.next("error").getString("code"));
    }

    @Test
    void postingRequiresMembershipAndValidText() {
        cut.post(alice, new Command.Say("lobby", "hello", null));
        assertEquals("not_member", aliceSink.next("error").getString("code"));

        cut.join(alice, new Command.Join("lobby"));
        aliceSink.next("joined");
        cut.post(alice, new Command.Say("lobby", "", null));
        assertEquals("text_invalid", aliceSink.next("error").getString("code"));
        cut.post(alice, new Command.Say("lobby", "x".repeat(4001), null));
        assertEquals("text_invalid", aliceSink.next("error").getString("code"));
        cut.post(alice, new Command.Say("lobby", "ok", "r".repeat(65)));
        assertEquals("bad_request", aliceSink.next("error").getString("code"));
    }

    @Test
    void aFailedStoreBroadcastsNothingAndTellsTheSender() {
        bothInLobby();
        chat.archive.failing.set(true);

        cut.post(alice, new Command.Say("lobby", "lost?", "r1"));

        JsonObject error = aliceSink.next("error");
        assertEquals("internal", error.getString("code"));
        chat.archive.failing.set(false);
        cut.post(alice, new Command.Say("lobby", "stored", null));
        JsonObject first = bobSink.next("message");
        assertEquals("stored", first.getString("text"));
        assertEquals(1, first.getInt("seq"));
    }

    /**
     * A commit reported failed that happened (the outcome was unknown): the resent ref is answered from the stored
     * message, and that message reaches every member once, not its sender only.
     */
    @Test
    void aResentRefWhoseCommitWasReportedFailedReachesEveryMemberOnce() {
        bothInLobby();
        chat.archive.failingAfterCommit.set(true);
        cut.post(alice, new Command.Say("lobby", "kept?", "r1"));
        assertEquals("internal", aliceSink.next("error").getString("code"));
        chat.archive.failingAfterCommit.set(false);

        cut.post(alice, new Command.Say("lobby", "kept?", "r1"));

        JsonObject own = aliceSink.next("message");
        assertEquals(1, own.getInt("seq"));
        assertEquals("r1", own.getString("ref"));
        assertEquals(1, bobSink.next("message").getInt("seq"), "bob gets the message too");
        cut.post(bob, new Command.Say("lobby", "next", null));
        assertEquals(2, aliceSink.next("message").getInt("seq"), "alice does not get seq 1 again");
        assertEquals(2, bobSink.next("message").getInt("seq"));
    }

    @Test
    void roomNamesAreChecked() {
        cut.join(alice, new Command.Join("Bad Name"));
        JsonObject error = aliceSink.next("error");
        assertEquals("room_invalid", error.getString("code"));
        assertEquals("join", error.getString("for"));
        assertEquals("Bad Name", error.getString("room"));
    }

    @Test
    void roomsStayClosedToCreationWhenAutoCreateIsOff() throws InterruptedException {
        try (ChatFixture strict = new ChatFixture(Map.of("parley.rooms.auto-create", "false"))) {
            RecordingSink sink = new RecordingSink();
            Connection carol = strict.guest("carol", sink);
            strict.rooms.join(carol, new Command.Join("newroom"));
            assertEquals("room_invalid", sink.next("error").getString("code"));
            strict.rooms.join(carol, new Command.Join("general"));
            sink.next("joined");
        }
    }

    @Test
    void aConnectionJoinsAtMostTheConfiguredNumberOfRooms() throws InterruptedException {
        try (ChatFixture small = new ChatFixture(Map.of("parley.rooms.per-connection", "2"))) {
            RecordingSink sink = new RecordingSink();
            Connection carol = small.guest("carol", sink);
            small.rooms.join(carol, new Command.Join("a"));
            small.rooms.join(carol, new Command.Join("b"));
            small.rooms.join(carol, new Command.Join("c"));
            sink.next("joined");
            sink.next("joined");
            assertEquals("limit_exceeded", sink.next("error").getString("code"));
            small.rooms.join(carol, new Command.Join("a"));
            sink.next("joined");
        }
    }

    /**
     * A broadcast walks a cached array of the room's connections: each change of membership between two posts
     * (a join, a leave, a disconnect, a kick) must show in who gets the next one.
     */
    @Test
    void eachPostReachesExactlyTheConnectionsInTheRoomAtThatMoment() {
        RecordingSink carolSink = new RecordingSink();
        Connection carol = chat.guest("carol", carolSink);
        cut.join(alice, new Command.Join("lobby"));
        cut.post(alice, new Command.Say("lobby", "one", "r1"));
        cut.join(bob, new Command.Join("lobby"));
        cut.post(alice, new Command.Say("lobby", "two", "r2"));
        cut.join(carol, new Command.Join("lobby"));
        cut.leave(bob, new Command.Leave("lobby"));
        cut.post(alice, new Command.Say("lobby", "three", "r3"));
        chat.users.release(carol);
        cut.disconnected(carol);
        cut.join(bob, new Command.Join("lobby"));
        cut.post(alice, new Command.Say("lobby", "four", "r4"));
        cut.kick("lobby", bob.userKey(), "bye");
        cut.post(alice, new Command.Say("lobby", "five", "r5"));

        assertEquals(List.of("one", "two", "three", "four", "five"), texts(aliceSink));
        assertEquals(List.of("two", "four"), texts(bobSink));
        assertEquals(List.of("three"), texts(carolSink));
    }

    private static List<String> texts(RecordingSink sink) {
        return sink.drain().stream()
                .filter(frame -> "message".equals(frame.getString("type")))
                .map(frame -> frame.getString("text"))
                .toList();
    }

    /** The room keeps its members in listing order as they come and go: a join lists the first 100 by name. */
    @Test
    void aJoinListsTheFirstHundredMembersByNameAsTheyAreNow() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String name = (i % 2 == 0 ? "M" : "m") + String.format("%03d", 119 - i);
            names.add(name);
            cut.join(chat.guest(name, new RecordingSink()), new Command.Join("big"));
        }
        Connection first = chat.guest("a-first", new RecordingSink());
        cut.join(first, new Command.Join("big"));
        cut.leave(first, new Command.Leave("big"));
        List<String> sorted = names.stream().sorted(Room.BY_NAME).toList();

        cut.join(alice, new Command.Join("big"));

        JsonObject joined = aliceSink.next("joined");
        List<String> expected = new ArrayList<>(sorted.subList(0, 99));
        expected.add(0, "alice");
        assertEquals(expected, names(joined, "members"));
        assertEquals(121, joined.getInt("count"), "120 and alice; a-first left");
    }

    @Test
    void leaveAnswersLeftAndTellsTheOthers() {
        bothInLobby();

        cut.leave(bob, new Command.Leave("lobby"));

        assertEquals("lobby", bobSink.next("left").getString("room"));
        assertEquals(List.of("bob"), names(aliceSink.next("presence"), "left"));
        cut.leave(bob, new Command.Leave("lobby"));
        assertEquals("not_member", bobSink.next("error").getString("code"));
    }

    @Test
    void aDisconnectShowsAsLeftOnlyAfterTheGrace() {
        cut.join(alice, new Command.Join("lobby"));
        cut.join(bob, new Command.Join("lobby"));
        aliceSink.drain();

        long start = System.nanoTime();
        chat.users.release(bob);
        cut.disconnected(bob);

        assertEquals(List.of("bob"), names(aliceSink.next("presence"), "left"));
        assertTrue(System.nanoTime() - start >= 200_000_000L, "left came before the grace ended");
    }

    @Test
    void aReconnectWithinTheGraceShowsNoPresence() throws InterruptedException {
        try (ChatFixture patient = new ChatFixture(Map.of("parley.presence.grace-ms", "60000"))) {
            RecordingSink one = new RecordingSink();
            RecordingSink two = new RecordingSink();
            RecordingSink three = new RecordingSink();
            Connection carol = patient.guest("carol", one);
            Connection dave = patient.guest("dave", two);
            patient.rooms.join(carol, new Command.Join("lobby"));
            patient.rooms.join(dave, new Command.Join("lobby"));
            one.drain();

            patient.users.release(dave);
            patient.rooms.disconnected(dave);
            Connection daveAgain = patient.guest("dave", three);
            patient.rooms.join(daveAgain, new Command.Join("lobby"));
            assertEquals(List.of("carol", "dave"), names(three.next("joined"), "members"));
            patient.rooms.post(daveAgain, new Command.Say("lobby", "back", null));

            assertEquals("message", one.next().getString("type"), "carol saw no presence about dave");
        }
    }

    @Test
    void typingGoesToTheOthersAtMostOncePerInterval() {
        bothInLobby();

        cut.typing(alice, new Command.Typing("lobby"));
        cut.typing(alice, new Command.Typing("lobby"));
        cut.post(alice, new Command.Say("lobby", "marker", null));

        JsonObject typing = bobSink.next("typing");
        assertEquals("alice", typing.getString("user"));
        assertEquals("message", bobSink.next().getString("type"), "the second typing was dropped");
        assertEquals("message", aliceSink.next().getString("type"), "no typing about oneself");
    }

    @Test
    void historyPagesBothWaysAndClampsTheLimit() {
        cut.join(alice, new Command.Join("lobby"));
        for (int i = 1; i <= 250; i++) {
            cut.post(alice, new Command.Say("lobby", "m" + i, "r" + i));
        }
        aliceSink.drain();

        cut.history(alice, new Command.History("lobby", null, 0L, 1000));
        JsonObject page = aliceSink.next("history");
        assertEquals(200, page.getJsonArray("messages").size());
        assertTrue(page.getBoolean("more"));
        assertEquals("r1", page.getJsonArray("messages").getJsonObject(0).getString("ref"));

        cut.history(alice, new Command.History("lobby", 11L, null, null));
        JsonObject older = aliceSink.next("history");
        assertEquals(10, older.getJsonArray("messages").size());
        assertEquals(1, older.getJsonArray("messages").getJsonObject(0).getInt("seq"));
        assertFalse(older.getBoolean("more"));

        cut.join(bob, new Command.Join("lobby"));
        JsonObject joined = bobSink.next("joined");
        assertEquals(50, joined.getJsonArray("history").size());
        assertEquals(250, joined.getInt("last"));
        assertFalse(joined.getJsonArray("history").getJsonObject(49).containsKey("ref"), "refs are the poster's");
        cut.history(bob, new Command.History("lobby", null, 245L, null));
        JsonObject newer = bobSink.next("history");
        assertEquals(5, newer.getJsonArray("messages").size());
    }

    @Test
    void inRoomsOverAHundredMembersPresenceIsBatched() throws InterruptedException {
        try (ChatFixture big = new ChatFixture(Map.of("parley.presence.large-room-interval-ms", "1500"))) {
            RecordingSink watcherSink = new RecordingSink();
            Connection watcher = big.guest("watcher", watcherSink);
            big.rooms.join(watcher, new Command.Join("hall"));
            for (int i = 0; i < 99; i++) {
                big.rooms.join(big.guest("early" + i, new RecordingSink()), new Command.Join("hall"));
            }
            watcherSink.drain();

            RecordingSink lateSink = new RecordingSink();
            Connection late = big.guest("late1", lateSink);
            big.rooms.join(late, new Command.Join("hall"));
            big.rooms.join(big.guest("late2", new RecordingSink()), new Command.Join("hall"));
            big.rooms.leave(late, new Command.Leave("hall"));
            big.rooms.join(big.guest("late3", new RecordingSink()), new Command.Join("hall"));

            JsonObject joined = lateSink.next("joined");
            assertEquals(100, joined.getJsonArray("members").size(), "the member list is capped");
            assertEquals(101, joined.getInt("count"));
            JsonObject batch = watcherSink.next("presence");
            assertEquals(List.of("late2", "late3"), names(batch, "joined"), "late1 came and went within the batch");
            assertEquals(List.of(), names(batch, "left"));
            assertTrue(watcherSink.drain().isEmpty(), "one presence frame for the whole batch");
        }
    }

    private static List<String> names(JsonObject frame, String field) {
        return frame.getJsonArray(field).getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
    }
}
