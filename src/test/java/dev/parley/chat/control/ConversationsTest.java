package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.PrivateRooms;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Private rooms and direct conversations (conversations extension) with the archive doubles: who may join them, what
 * waits for a user who is offline, and that a public name never reaches one.
 */
class ConversationsTest {

    private static final String BOB = Identity.accountKey("bob");

    /** Receipts are tested with membership: here none, so each test reads the frames it is about. */
    ChatFixture chat = new ChatFixture(Map.of(
            "parley.conversations.max-members",
            "3",
            "parley.rooms.max",
            "2",
            "parley.receipts.max-members",
            "0",
            "parley.store.max-pending-per-room",
            "1"));

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void aDirectMessageToAnOfflineUserWaitsForTheirNextConnection() {
        chat.accounts.stored.add("bob"); // bob has logged in before, and is offline now
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);

        alice.run(new Command.Direct("bob"));
        JsonObject joined = aliceSink.next("joined");
        String id = joined.getString("room");
        assertTrue(Conversation.isId(id), id);
        assertEquals("direct", joined.getString("kind"));
        assertEquals("bob", joined.getString("with"));
        alice.run(new Command.Say(id, "are you in tomorrow?", "r1"));
        aliceSink.next("message");
        alice.run(new Command.Direct("BOB"));
        assertEquals(id, aliceSink.next("joined").getString("room"), "the same conversation, from either spelling");

        RecordingSink bobSink = new RecordingSink();
        Connection bob = device("bob", bobSink);
        chat.memberships.connected(bob);
        bobSink.next("receipts");
        JsonObject kept = bobSink.next("kept").getJsonArray("rooms").getJsonObject(0);
        assertEquals(id, kept.getString("room"));
        assertEquals(1, kept.getJsonNumber("unread").longValue(), kept::toString);
        assertEquals("direct", kept.getString("kind"));
        assertEquals("alice", kept.getString("with"));
        JsonObject bobJoined = bobSink.next("joined");
        assertEquals("alice", bobJoined.getString("with"));
        assertEquals(
                "are you in tomorrow?",
                bobJoined.getJsonArray("history").getJsonObject(0).getString("text"));
    }

    @Test
    void aDirectConversationReachesTheOthersDevicesAndOnceLeftComesBackWithTheNextMessage() {
        RecordingSink bobSink = new RecordingSink();
        Connection bob = keeper("bob", bobSink);
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        alice.run(new Command.Direct("bob"));
        String id = aliceSink.next("joined").getString("room");
        JsonObject opened = bobSink.next("invited");
        assertEquals(id, opened.getString("room"));
        assertEquals("direct", opened.getString("kind"));
        assertEquals("alice", opened.getString("with"));
        assertEquals("bob", opened.getString("user"));
        assertEquals("alice", opened.getString("by"));
        bob.run(new Command.Join(id));
        assertEquals("alice", bobSink.next("joined").getString("with"));
        bob.run(new Command.Leave(id));
        bobSink.next("left");
        aliceSink.drain();

        alice.run(new Command.Say(id, "still there?", null));
        JsonObject invited = bobSink.next("invited");
        assertEquals(id, invited.getString("room"));
        bob.run(new Command.Join(id));
        JsonObject joined = bobSink.next("joined");
        assertEquals(
                "still there?", joined.getJsonArray("history").getJsonObject(0).getString("text"));
        alice.run(new Command.Say(id, "good", null));
        assertEquals("good", bobSink.next("message").getString("text"));
        alice.run(new Command.Say(id, "and again", null));
        assertEquals("and again", bobSink.next("message").getString("text"), "no second invitation while kept");
    }

    @Test
    void aPrivateRoomIsInvisibleToOthersAndItsTitleReachesNothing() {
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        alice.run(new Command.Create("plans"));
        JsonObject joined = aliceSink.next("joined");
        String id = joined.getString("room");
        assertEquals("private", joined.getString("kind"));
        assertEquals("plans", joined.getString("title"));
        alice.run(new Command.Say(id, "secret", null));
        aliceSink.next("message");

        RecordingSink carolSink = new RecordingSink();
        Connection carol = keeper("carol", carolSink);
        carol.run(new Command.Join(id));
        JsonObject refused = carolSink.next("error");
        carol.run(new Command.Join("~" + "0".repeat(16)));
        JsonObject none = carolSink.next("error");
        assertEquals("room_invalid", refused.getString("code"));
        assertEquals(
                none.getString("message").replace("~" + "0".repeat(16), "ID"),
                refused.getString("message").replace(id, "ID"),
                "a member-only room answers as one that does not exist");
        carol.run(new Command.History(id, null, 0L, null));
        assertEquals("not_member", carolSink.next("error").getString("code"));
        carol.run(new Command.Join("plans"));
        JsonObject publicPlans = carolSink.next("joined");
        assertEquals(0, publicPlans.getJsonNumber("last").longValue(), "a new public room, nothing of the private one");
        assertFalse(publicPlans.containsKey("kind"));
        assertFalse(chat.rooms.listed().contains(id), "not in welcome's rooms");
    }

    @Test
    void anInvitationLetsTheInviteeInAndLeavingEndsIt() {
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        alice.run(new Command.Create("plans"));
        String id = aliceSink.next("joined").getString("room");
        RecordingSink carolSink = new RecordingSink();
        Connection carol = keeper("carol", carolSink);

        alice.run(new Command.Invite(id, "carol"));
        JsonObject toCarol = carolSink.next("invited");
        assertEquals("carol", toCarol.getString("user"));
        assertEquals("alice", toCarol.getString("by"));
        assertEquals("plans", toCarol.getString("title"));
        assertEquals("carol", aliceSink.next("invited").getString("user"), "the room's members see it too");
        carol.run(new Command.Join(id));
        assertEquals("plans", carolSink.next("joined").getString("title"));
        carol.run(new Command.Say(id, "hello", null));
        aliceSink.next("presence");
        assertEquals("hello", aliceSink.next("message").getString("text"));
        carolSink.next("message");

        carol.run(new Command.Leave(id));
        carolSink.next("left");
        carol.run(new Command.Join(id));
        assertEquals("room_invalid", carolSink.next("error").getString("code"), "only an invitation brings her back");

        aliceSink.next("presence"); // carol left
        alice.run(new Command.Leave(id)); // its last member: nothing of it stays in memory
        aliceSink.next("left");
        alice.run(new Command.Join(id));
        assertEquals("room_invalid", aliceSink.next("error").getString("code"), "read from the archive: no member");
    }

    @Test
    void badConversationCommandsAreRefusedWithTheirCodes() {
        chat.accounts.stored.add("bob");
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        RecordingSink guestSink = new RecordingSink();
        Connection guest = chat.runsCommands(chat.guest("visitor", guestSink));
        RecordingSink v1Sink = new RecordingSink();
        Connection v1 = withoutMembership("dora", v1Sink);

        guest.run(new Command.Direct("bob"));
        assertError(guestSink.next("error"), "unauthorized", "direct");
        v1.run(new Command.Create("x"));
        assertError(v1Sink.next("error"), "bad_request", "create");
        alice.run(new Command.Direct("nobody"));
        assertError(aliceSink.next("error"), "user_unknown", "direct");
        alice.run(new Command.Direct("alice"));
        assertError(aliceSink.next("error"), "bad_request", "direct");
        alice.run(new Command.Create("two\nlines"));
        assertError(aliceSink.next("error"), "text_invalid", "create");
        alice.run(new Command.Create("x".repeat(65)));
        assertError(aliceSink.next("error"), "text_invalid", "create");

        alice.run(new Command.Direct("bob"));
        String direct = aliceSink.next("joined").getString("room");
        alice.run(new Command.Invite(direct, "bob"));
        assertError(aliceSink.next("error"), "bad_request", "invite");
        String plans = plans(alice, aliceSink);
        alice.run(new Command.Invite(plans, "nobody"));
        assertError(aliceSink.next("error"), "user_unknown", "invite");
        alice.run(new Command.Invite("~" + "1".repeat(16), "bob"));
        assertError(aliceSink.next("error"), "not_member", "invite");
        for (String name : List.of("bob", "carol")) {
            chat.accounts.stored.add(name);
            alice.run(new Command.Invite(plans, name));
            aliceSink.next("invited");
        }
        chat.accounts.stored.add("erin");
        alice.run(new Command.Invite(plans, "erin"));
        assertError(aliceSink.next("error"), "limit_exceeded", "invite"); // parley.conversations.max-members 3
    }

    @Test
    void conversationsDoNotCountAgainstTheRoomLimit() {
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        alice.run(new Command.Create("one"));
        aliceSink.next("joined");
        alice.run(new Command.Create("two"));
        aliceSink.next("joined");
        alice.run(new Command.Join("lobby")); // general and lobby: parley.rooms.max 2
        aliceSink.next("joined");
        alice.run(new Command.Join("third"));
        assertError(aliceSink.next("error"), "limit_exceeded", "join");
    }

    @Test
    void aPostTheArchiveRefusesDoesNotBringADirectConversationBack() throws InterruptedException {
        RecordingSink bobSink = new RecordingSink();
        Connection bob = keeper("bob", bobSink);
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        String id = directLeftByBob(alice, aliceSink, bob, bobSink);
        alice.run(new Command.Say(id, "first", "r1"));
        aliceSink.next("message");
        bobSink.next("invited");
        bob.run(new Command.Join(id));
        bobSink.next("joined");
        bob.run(new Command.Leave(id));
        bobSink.next("left");
        afterWorker();
        aliceSink.drain();

        alice.run(new Command.Say(id, "first", "r1")); // a retry of a stored ref: not a new message
        assertEquals(1, aliceSink.next("message").getInt("seq"));
        alice.run(new Command.Say(id, "other text", "r1"));
        assertError(aliceSink.next("error"), "ref_conflict", "say");
        chat.archive.holding.set(true);
        alice.run(new Command.Say(id, "held", "r2"));
        alice.run(new Command.Say(id, "over", "r3")); // parley.store.max-pending-per-room 1
        assertError(aliceSink.next("error"), "rate_limited", "say");
        afterWorker();
        assertEquals(List.of(), bobSink.drain(), "nothing for bob while nothing new is stored");
        assertNull(chat.kept.marker(BOB, id), "bob does not keep it");

        chat.archive.settleHeld();
        assertEquals(id, bobSink.next("invited").getString("room"), "once stored, it comes back");
        afterWorker();
        assertEquals(1L, chat.kept.marker(BOB, id), "read up to the message before the one that brought it back");
    }

    @Test
    void aMessageStoredAfterItsSenderLeftStillBringsTheConversationBack() throws InterruptedException {
        RecordingSink bobSink = new RecordingSink();
        Connection bob = keeper("bob", bobSink);
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        String id = directLeftByBob(alice, aliceSink, bob, bobSink);
        chat.archive.holding.set(true);
        alice.run(new Command.Say(id, "bye", null));
        alice.run(new Command.Leave(id)); // its last member here: this node no longer holds the conversation
        aliceSink.next("left");

        chat.archive.settleHeld();
        assertEquals(id, bobSink.next("invited").getString("room"));
    }

    @Test
    void aMemberInTheConversationCostsNoLookUpPerMessageAndOneWhoLeftElsewhereIsInvitedAgain()
            throws InterruptedException {
        RecordingSink bobSink = new RecordingSink();
        Connection bob = keeper("bob", bobSink);
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        alice.run(new Command.Direct("bob"));
        String id = aliceSink.next("joined").getString("room");
        bobSink.next("invited");
        // a join hands its keep to the memberships' thread after its joined, at a time of its own
        awaitKeeps(3, "the direct keeps it for both, and alice's join once more");
        int keepsBefore = 4;
        bob.run(new Command.Join(id));
        bobSink.next("joined");
        awaitKeeps(keepsBefore, "bob's join keeps the conversation");
        afterWorker();

        for (String text : List.of("one", "two", "three")) {
            alice.run(new Command.Say(id, text, null));
            assertEquals(text, bobSink.next("message").getString("text"));
        }
        afterWorker();
        assertEquals(keepsBefore, chat.kept.keeps.get(), "bob is in it: no look-up of whether he keeps it");

        chat.kept.forget(BOB, id); // bob left on another node: its forget in the database, its news here
        chat.rooms.leftElsewhere(id, BOB);
        assertEquals("left_elsewhere", bobSink.next("left").getString("reason"));
        alice.run(new Command.Say(id, "still there?", null));
        assertEquals(id, bobSink.next("invited").getString("room"));
        afterWorker();
        assertEquals(3L, chat.kept.marker(BOB, id));
    }

    @Test
    void anInvitationCostsTheBudgetOnlyWhenItGoesThrough() throws InterruptedException {
        chat.close();
        chat = new ChatFixture(
                Map.of("parley.conversations.invites-per-user-per-hour", "1", "parley.receipts.max-members", "0"));
        chat.accounts.stored.add("carol");
        chat.accounts.stored.add("dave");
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        String plans = plans(alice, aliceSink);

        CountDownLatch worker = holdWorker();
        alice.run(new Command.Invite(plans, "nobody"));
        alice.run(new Command.Invite(plans, "carol"));
        assertError(aliceSink.next("error"), "limit_exceeded", "invite"); // the first holds the only one
        worker.countDown();
        assertError(aliceSink.next("error"), "user_unknown", "invite");

        alice.run(new Command.Invite(plans, "carol"));
        assertEquals("carol", aliceSink.next("invited").getString("user"), "the unknown user cost nothing");
        alice.run(new Command.Invite(plans, "dave"));
        assertError(aliceSink.next("error"), "limit_exceeded", "invite");
    }

    @Test
    void invitationsInARowStopAtTheMemberLimit() throws InterruptedException {
        List.of("bob", "carol", "erin").forEach(chat.accounts.stored::add);
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        String plans = plans(alice, aliceSink);

        CountDownLatch worker = holdWorker();
        for (String name : List.of("bob", "carol", "erin")) {
            alice.run(new Command.Invite(plans, name));
        }
        worker.countDown();
        assertEquals("bob", aliceSink.next("invited").getString("user"));
        assertEquals("carol", aliceSink.next("invited").getString("user"));
        assertError(aliceSink.next("error"), "limit_exceeded", "invite"); // parley.conversations.max-members 3
        assertEquals(3, chat.privateRooms.find(plans).members().size());
    }

    @Test
    void aPrivateRoomTakesInvitationsAfterItsMembersChangedElsewhere() {
        chat.accounts.stored.add("bob");
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        String plans = plans(alice, aliceSink);

        // bob was invited on another node: this node reads the room's members again at its next join
        chat.privateRooms.add(plans, new PrivateRooms.Member(BOB, "bob"));
        chat.rooms.invitedElsewhere(BOB, chat.privateRooms.find(plans).invited("bob", "alice", BOB), true);
        assertEquals("bob", aliceSink.next("invited").getString("user"));
        chat.accounts.stored.add("dave");
        alice.run(new Command.Invite(plans, "dave"));
        assertEquals("dave", aliceSink.next("invited").getString("user"), "still a private room to invite into");
    }

    @Test
    void leavingAPrivateRoomTakesAllTheUsersConnectionsOutAfterItsMembersChangedElsewhere() {
        chat.accounts.stored.add("bob");
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        String plans = plans(alice, aliceSink);
        alice.run(new Command.Invite(plans, "bob"));
        aliceSink.next("invited");
        RecordingSink bobSink = new RecordingSink();
        Connection bob = keeper("bob", bobSink);
        RecordingSink bobViewerSink = new RecordingSink();
        Connection bobViewer = withoutMembership("bob", bobViewerSink);
        bob.run(new Command.Join(plans));
        bobSink.next("joined");
        bobViewer.run(new Command.Join(plans));
        bobViewerSink.next("joined");

        // bob was invited again on another node: this node no longer holds the conversation
        chat.rooms.invitedElsewhere(BOB, chat.privateRooms.find(plans).invited("bob", "alice", BOB), true);
        bobSink.next("invited");
        bobViewerSink.next("invited");
        bob.run(new Command.Leave(plans));
        bobSink.next("left");
        JsonObject left = bobViewerSink.next();
        assertEquals("left", left.getString("type"), "bob is no member: his other connection leaves too");
        assertEquals("left_elsewhere", left.getString("reason"));
    }

    @Test
    void aMessageStoredThoughItsCommitWasReportedFailedBringsTheConversationBackWhenItsRefIsResent()
            throws InterruptedException {
        RecordingSink bobSink = new RecordingSink();
        Connection bob = keeper("bob", bobSink);
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        String id = directLeftByBob(alice, aliceSink, bob, bobSink);
        chat.archive.failingAfterCommit.set(true);
        alice.run(new Command.Say(id, "did it go?", "r1"));
        assertError(aliceSink.next("error"), "internal", "say");
        chat.archive.failingAfterCommit.set(false);
        afterWorker();
        assertEquals(List.of(), bobSink.drain());

        alice.run(new Command.Say(id, "did it go?", "r1"));
        assertEquals(1, aliceSink.next("message").getInt("seq"));
        assertEquals(id, bobSink.next("invited").getString("room"));
    }

    /** Alice opens a direct conversation with bob, who has it and leaves it; returns its id. */
    private String directLeftByBob(Connection alice, RecordingSink aliceSink, Connection bob, RecordingSink bobSink)
            throws InterruptedException {
        alice.run(new Command.Direct("bob"));
        String id = aliceSink.next("joined").getString("room");
        bobSink.next("invited");
        bob.run(new Command.Join(id));
        bobSink.next("joined");
        bob.run(new Command.Leave(id));
        bobSink.next("left");
        afterWorker();
        aliceSink.drain();
        return id;
    }

    /** Returns once the memberships' thread has done everything submitted so far. */
    private void awaitKeeps(int atLeast, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (chat.kept.keeps.get() < atLeast) {
            assertTrue(System.nanoTime() < deadline, "not within 5 s: " + what);
            Thread.onSpinWait();
        }
    }

    private void afterWorker() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        chat.memberships.submit(done::countDown, refused -> {});
        assertTrue(done.await(5, TimeUnit.SECONDS), "the memberships' thread is stuck");
    }

    /** Keeps the memberships' thread busy until the latch is counted down. */
    private CountDownLatch holdWorker() {
        CountDownLatch release = new CountDownLatch(1);
        chat.memberships.submit(
                () -> {
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                refused -> {});
        return release;
    }

    /** Alice makes the private room "plans"; returns its id. */
    private static String plans(Connection alice, RecordingSink aliceSink) {
        alice.run(new Command.Create("plans"));
        return aliceSink.next("joined").getString("room");
    }

    /** A logged-in user's connection without membership=1, registered. */
    private Connection withoutMembership(String name, RecordingSink sink) {
        Connection connection = chat.runsCommands(chat.connection(new Identity(name, true), sink));
        assertNull(chat.users.register(connection, null));
        return connection;
    }

    private Connection keeper(String name, RecordingSink sink) {
        return chat.runsCommands(chat.keeper(name, sink));
    }

    /** A logged-in user's device that keeps rooms, registered, whose kept rooms are read by the test. */
    private Connection device(String name, RecordingSink sink) {
        Connection connection = chat.connection(new Identity(name, true), sink);
        connection.keepsRooms(true);
        assertNull(chat.users.register(connection, null));
        return chat.runsCommands(connection);
    }

    private static void assertError(JsonObject error, String code, String forType) {
        assertEquals(code, error.getString("code"), error::toString);
        assertEquals(forType, error.getString("for"), error::toString);
    }
}
