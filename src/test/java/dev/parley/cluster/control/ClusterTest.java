package dev.parley.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.control.AccountsDouble;
import dev.parley.chat.control.ArchiveDouble;
import dev.parley.chat.control.ChatFixture;
import dev.parley.chat.control.Connection;
import dev.parley.chat.control.PrivateRoomsDouble;
import dev.parley.chat.control.RecordingSink;
import dev.parley.chat.control.Users;
import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.MessageDeleted;
import dev.parley.chat.entity.OperatorAction;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.metrics.ClusterState;
import dev.parley.settings.Settings;
import dev.parley.testing.EventDouble;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one JVM sharing one archive, with a bus that reorders, drops and goes down as Redis pub/sub may: a
 * member on either node sees every message of its room once and in seq order, whichever way it comes (the bus, a gap
 * fill, the periodic comparison with the database).
 */
class ClusterTest {

    /** Neither a gap fill nor a comparison with the database comes within a test unless a test shortens them. */
    static final Map<String, String> NEVER =
            Map.of("parley.cluster.gap-fill-ms", "600000", "parley.cluster.catch-up-interval-ms", "600000");

    final ArchiveDouble database = new ArchiveDouble();
    final BusDouble bus = new BusDouble();
    /** The accounts and conversations the nodes' database holds. */
    final AccountsDouble accounts = new AccountsDouble();

    final PrivateRoomsDouble conversations = new PrivateRoomsDouble(database, accounts);
    final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Node node : nodes) {
            node.close();
        }
        bus.close();
    }

    /** A message's files cross the bus with it: a member on the other node sees them as the sender's node does. */
    @Test
    void aMessagesFilesReachAMemberOnTheOtherNode() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.account("alice", "lobby");
        Member bob = b.member("bob", "lobby");

        alice.chat.rooms.post(alice.connection, new Command.Say("lobby", "", "f-1", List.of("Zk3q9Vx0Qm7c4b8wT2s1Yg")));

        JsonObject own = alice.next("message");
        JsonObject seen = bob.next("message");
        assertEquals(own.getJsonArray("files"), seen.getJsonArray("files"));
        assertEquals(
                "Zk3q9Vx0Qm7c4b8wT2s1Yg",
                seen.getJsonArray("files").getJsonObject(0).getString("id"),
                seen::toString);
    }

    @Test
    void messagesThatCrossTheBusInReverseAreReleasedInSeqOrder() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        bus.hold();

        alice.say("lobby", "one", "two", "three");
        bus.releaseReversed();

        assertEquals(List.of(1L, 2L, 3L), bob.seqs(3), "the sequencer holds 3 and 2 back until 1 came");
        assertEquals(List.of("one", "two", "three"), bob.texts);
        assertEquals(0, b.chat.metrics.clusterGapFilled(), "nothing read from the database: the bus brought all");
    }

    @Test
    void aMessageTheBusLostIsReadFromTheDatabaseWhenALaterOneCame() {
        Node a = node(NEVER);
        Node b = node(Map.of("parley.cluster.gap-fill-ms", "20", "parley.cluster.catch-up-interval-ms", "600000"));
        Member alice = a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        bus.dropWhen(text -> text.contains("\"two\""));

        alice.say("lobby", "one", "two", "three");

        assertEquals(List.of(1L, 2L, 3L), bob.seqs(3));
        eventually(() -> b.chat.metrics.clusterGapFilled() == 1, "one message read from the database");
    }

    @Test
    void aLostLastMessageComesWithTheNextComparisonWithTheDatabase() {
        Node a = node(NEVER);
        Node b = node(Map.of("parley.cluster.gap-fill-ms", "600000", "parley.cluster.catch-up-interval-ms", "50"));
        Member alice = a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        bus.dropWhen(text -> true); // as if node a died between its commit and its publication

        alice.say("lobby", "last words");

        assertEquals(List.of(1L), bob.seqs(1));
        eventually(() -> b.chat.metrics.clusterCaughtUp() == 1, "one message found by the comparison");
    }

    @Test
    void whileTheBusIsDownMessagesComeFromTheDatabaseAndAfterItTheBusCarriesThemAgain() {
        Map<String, String> settings = new HashMap<>(NEVER);
        settings.put("parley.cluster.catch-up-interval-down-ms", "50");
        Node a = node(settings);
        Node b = node(settings);
        Member alice = a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        bus.down();

        alice.say("lobby", "one", "two");
        assertEquals(List.of(1L, 2L), bob.seqs(2));
        assertEquals(ClusterState.BUS_DOWN, b.chat.metrics.clusterState());

        bus.up();
        eventually(() -> b.chat.metrics.clusterState() == ClusterState.BUS_UP, "node b subscribed again");
        alice.say("lobby", "three");
        assertEquals(List.of(3L), bob.seqs(1));
        eventually(() -> b.chat.metrics.clusterReceived() == 1, "the third message came over the bus");
    }

    @Test
    void aRoomCreatedOnAnotherNodeIsJoinedWithItsHistoryAndThenLive() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "fresh");
        alice.say("fresh", "before you came");

        Member bob = b.member("bob", "fresh");
        List<Long> seen = new ArrayList<>(bob.joinedFrame.getJsonArray("history").stream()
                .map(message -> message.asJsonObject().getJsonNumber("seq").longValue())
                .toList());
        alice.say("fresh", "now live");

        // the first message is in the history, or comes live if the bus brought it while the join read the room
        seen.addAll(bob.seqs(2 - seen.size()));
        assertEquals(List.of(1L, 2L), seen);
    }

    /** An operator deletes a message on one node: members on the other get {@code deleted}, later joiners no text. */
    @Test
    void aMessageDeletedOnOneNodeIsDeletedOnTheOther() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        alice.say("lobby", "oops");
        assertEquals(List.of(1L), bob.seqs(1));

        // what the admin component does on node a once the database has it redacted
        a.chat.rooms.redacted("lobby", 1);
        a.cluster.onMessageDeleted(new MessageDeleted("lobby", 1));

        assertEquals(1, bob.sink.next("deleted").getInt("seq"));
        Member carol = b.member("carol", "lobby");
        JsonObject kept = carol.joinedFrame.getJsonArray("history").getJsonObject(0);
        assertEquals("", kept.getString("text"), "node b's recent messages lost the text: " + kept);
    }

    /** A member on one node sees who comes to and goes from the room on the other, and is listed there. */
    @Test
    void membersOfEveryNodeAreListedAndTheirComingAndGoingCrossesNodes() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");

        Member bob = b.member("bob", "lobby");

        alice.presence(presence -> strings(presence, "joined").contains("bob"), "bob came, on the other node");
        // bob's joined lists alice, or she comes right after it, once b has read the room's members
        if (!strings(bob.joinedFrame, "members").contains("alice")) {
            bob.presence(presence -> strings(presence, "joined").contains("alice"), "alice, who was there");
        }
        eventually(
                () -> a.chat.rooms.members("lobby").orElseThrow().equals(List.of("alice", "bob"))
                        && b.chat.rooms.members("lobby").orElseThrow().equals(List.of("alice", "bob")),
                "both nodes list both");
        b.chat.rooms.leave(bob.connection, new Command.Leave("lobby"));
        alice.presence(presence -> strings(presence, "left").contains("bob"), "bob left, on the other node");
    }

    /** A logged-in user in the room on both nodes is one member: it leaves when it has left on both. */
    @Test
    void aUserOnBothNodesIsOneMemberUntilItLeftBoth() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        Member carolHere = a.signedIn("carol", "lobby");
        alice.presence(presence -> strings(presence, "joined").contains("carol"), "carol came");
        Member carolThere = b.signedIn("carol", "lobby");
        eventually(() -> b.chat.rooms.members("lobby").orElseThrow().equals(List.of("alice", "carol")), "b lists");

        b.chat.rooms.leave(carolThere.connection, new Command.Leave("lobby"));
        eventually(() -> b.chat.rooms.members("lobby").orElseThrow().equals(List.of("alice", "carol")), "b still");
        assertEquals(List.of("alice", "carol"), a.chat.rooms.members("lobby").orElseThrow(), "she is still on a");
        a.chat.rooms.leave(carolHere.connection, new Command.Leave("lobby"));

        JsonObject left = alice.presence(presence -> !strings(presence, "left").isEmpty(), "someone left");
        assertEquals(List.of("carol"), strings(left, "left"));
        assertEquals(List.of(), strings(left, "joined"));
        // the news of carol's own hold on a may reach a after her leave there and show her for a moment (README,
        // Known issues): what must hold is that she is gone in the end, on both nodes
        eventually(() -> a.chat.rooms.members("lobby").orElseThrow().equals(List.of("alice")), "a lists alice only");
        eventually(() -> b.chat.rooms.members("lobby").orElseThrow().equals(List.of("alice")), "b lists alice only");
    }

    /** A node that dies (stops renewing its lease) is reaped by another: its users leave the room there. */
    @Test
    void theUsersOfANodeThatDiedLeaveOnceItsLeaseLapsed() throws InterruptedException {
        Map<String, String> settings = new HashMap<>(NEVER);
        settings.put("parley.cluster.lease-ms", "300");
        Node a = node(settings);
        Node b = node(settings);
        Member alice = a.member("alice", "lobby");
        b.member("bob", "lobby");
        alice.presence(presence -> strings(presence, "joined").contains("bob"), "bob came");

        b.cluster.stop(); // as if killed: it neither lets go nor renews

        alice.presence(presence -> strings(presence, "left").contains("bob"), "bob left with his node");
        assertEquals(List.of("alice"), a.chat.rooms.members("lobby").orElseThrow());
    }

    /** Who joined while the bus was down (an account) is said again after it: the other node's members see them then. */
    @Test
    void afterTheBusWasDownEachNodeSaysAgainWhoIsThere() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        b.member("bob", "lobby");
        alice.presence(presence -> strings(presence, "joined").contains("bob"), "bob came");
        bus.down();

        b.signedIn("carol", "lobby"); // a guest new to node b would be refused while the bus is down
        bus.up();

        alice.presence(presence -> strings(presence, "joined").contains("carol"), "carol, said again");
        eventually(
                () -> a.chat.rooms.members("lobby").orElseThrow().equals(List.of("alice", "bob", "carol")),
                "a lists all three");
    }

    /** A whisper finds its recipient on the other node; the sender's copy has its ref; nobody online: user_unknown. */
    @Test
    void aWhisperReachesItsRecipientOnTheOtherNode() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        alice.presence(presence -> strings(presence, "joined").contains("bob"), "bob came");

        whisperUntilKnown(a, alice, "bob");

        JsonObject got = bob.next("whisper");
        assertEquals("alice", got.getString("from"));
        assertEquals("psst", got.getString("text"));
        a.chat.users.whisper(alice.connection, new Command.Whisper("nobody", "hello?", "r-2"));
        assertEquals("user_unknown", alice.next("error").getString("code"));
    }

    /** While the bus is down a whisper to a user on another node is refused with internal: it cannot get there. */
    @Test
    void whileTheBusIsDownAWhisperToAnotherNodeIsRefusedAsInternal() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        b.member("bob", "lobby");
        alice.presence(presence -> strings(presence, "joined").contains("bob"), "bob came");
        whisperUntilKnown(a, alice, "bob");
        bus.down();
        eventually(() -> a.chat.metrics.clusterState() == ClusterState.BUS_DOWN, "node a knows its bus is down");

        a.chat.users.whisper(alice.connection, new Command.Whisper("bob", "still there?", "r-3"));

        JsonObject refused = alice.next("error");
        assertEquals("internal", refused.getString("code"));
        assertEquals("r-3", refused.getString("ref"));
    }

    /**
     * While the bus is down a node cannot tell whether a guest name is free on the others, and two people under one
     * key would read each other's whispers: a guest new to this node is refused with internal (1011: retry after a
     * backoff). A guest's second tab here (its token) and an account still come in.
     */
    @Test
    void whileTheBusIsDownAGuestNewToTheNodeIsRefusedAsInternal() {
        Node a = node(NEVER);
        Member alice = a.member("alice", "lobby");
        bus.down();
        eventually(() -> a.chat.metrics.clusterState() == ClusterState.BUS_DOWN, "node a knows its bus is down");

        Connection newcomer =
                a.chat.connection(new dev.parley.chat.entity.Identity("carol", false), new RecordingSink());
        Users.Refused refused = a.chat.users.register(newcomer, null);
        assertEquals(dev.parley.chat.entity.ErrorCode.INTERNAL, refused.code());
        assertEquals(dev.parley.chat.entity.Closing.INTERNAL_ERROR, refused.closing());

        Connection secondTab =
                a.chat.connection(new dev.parley.chat.entity.Identity("alice", false), new RecordingSink());
        assertEquals(null, a.chat.users.register(secondTab, alice.connection.resumeToken()));
        Connection account = a.chat.connection(new dev.parley.chat.entity.Identity("dave", true), new RecordingSink());
        assertEquals(null, a.chat.users.register(account, null));
    }

    @Test
    void typingCrossesNodes() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        alice.presence(presence -> strings(presence, "joined").contains("bob"), "bob came");

        a.chat.rooms.typing(alice.connection, new Command.Typing("lobby"));

        JsonObject typing = bob.next("typing");
        assertEquals("alice", typing.getString("user"));
        assertEquals("lobby", typing.getString("room"));
    }

    /**
     * Whispers until the sender's node knows the recipient is online elsewhere (its news comes on the bus's thread):
     * the first answer that is the sender's own copy ends it.
     */
    private static void whisperUntilKnown(Node node, Member sender, String to) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            if (System.nanoTime() > deadline) {
                fail(to + " never became known as online elsewhere");
            }
            node.chat.users.whisper(sender.connection, new Command.Whisper(to, "psst", "r-1"));
            JsonObject answer = sender.sink.next();
            while (!"whisper".equals(answer.getString("type")) && !"error".equals(answer.getString("type"))) {
                answer = sender.sink.next();
            }
            if ("whisper".equals(answer.getString("type"))) {
                assertEquals("r-1", answer.getString("ref"));
                return;
            }
            assertEquals("user_unknown", answer.getString("code"), answer::toString);
        }
    }

    /**
     * A logged-in user reads on one node: its device on the other gets {@code read}, and a member there who sees
     * receipts gets the receipt; its leaving the kept room takes that device out too ({@code left_elsewhere}).
     */
    @Test
    void aReadMarkerAndAKeptRoomLeftOnOneNodeReachTheOther() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member laptop = a.account("alice", "lobby");
        Member bob = a.account("bob", "lobby");
        Member phone = b.account("alice", "lobby");
        bob.say("lobby", "one", "two");
        assertEquals(List.of(1L, 2L), phone.seqs(2));

        b.chat.rooms.read(phone.connection, new Command.Read("lobby", 2));

        JsonObject read = laptop.next("read");
        assertEquals(2, read.getInt("seq"));
        JsonObject receipt = bob.next("receipt");
        assertEquals("alice", receipt.getString("user"));
        assertEquals(2, receipt.getInt("seq"));

        b.chat.rooms.leave(phone.connection, new Command.Leave("lobby"));
        assertEquals("left_elsewhere", laptop.next("left").getString("reason"));
    }

    /**
     * A private room made on one node: an invitation reaches the invitee's device on the other, which may then join
     * it there (read from the database), and their messages cross; a direct conversation opened to someone on the
     * other node reaches their device there as well.
     */
    @Test
    void conversationsAndTheirInvitationsCrossNodes() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        a.share(accounts, conversations);
        b.share(accounts, conversations);
        Member alice = a.account("alice", "lobby");
        Member carol = b.account("carol", "lobby");
        a.chat.conversations.direct(alice.connection, new Command.Direct("carol"));
        String direct = alice.next("joined").getString("room");
        JsonObject opened = carol.next("invited");
        assertEquals(direct, opened.getString("room"));
        assertEquals("alice", opened.getString("with"));

        a.chat.rooms.createConversation(alice.connection, new Command.Create("plans"));
        String plans = alice.next("joined").getString("room");
        a.chat.rooms.invite(alice.connection, new Command.Invite(plans, "carol"));
        JsonObject invited = carol.next("invited");
        assertEquals(plans, invited.getString("room"));
        assertEquals("plans", invited.getString("title"));
        b.chat.rooms.join(carol.connection, new Command.Join(plans));
        assertEquals("plans", carol.next("joined").getString("title"));
        alice.say(plans, "welcome");
        assertEquals("welcome", carol.next("message").getString("text"));

        Member dave = b.account("dave", "lobby");
        b.chat.rooms.join(dave.connection, new Command.Join(plans));
        assertEquals("room_invalid", dave.next("error").getString("code"), "no member on either node");
    }

    /**
     * Every node releases every message and tells its own connections: a mention on node a reaches each connection of
     * the mentioned user on either node exactly once, whether the bus carried the message or a gap fill read it back.
     */
    @Test
    void aMentionOnOneNodeReachesEachConnectionOfTheMemberOnEveryNodeOnce() {
        Node a = node(NEVER);
        Node b = node(Map.of("parley.cluster.gap-fill-ms", "20", "parley.cluster.catch-up-interval-ms", "600000"));
        Member alice = a.member("alice", "lobby");
        Member laptop = a.account("bob", "lobby");
        Member phone = b.account("bob", "lobby");
        Member carol = b.member("carol", "lobby");
        bus.dropWhen(text -> text.contains("lost @bob"));

        alice.say("lobby", "hi @bob", "lost @bob", "after");

        for (Member each : List.of(laptop, phone)) {
            List<String> frames = framesUntil(each, "after");
            assertEquals(
                    List.of("message 1", "mention 1", "message 2", "mention 2", "message 3"),
                    frames,
                    "bob on node " + (each == laptop ? "a" : "b"));
        }
        assertEquals(List.of("message 1", "message 2", "message 3"), framesUntil(carol, "after"));
        assertEquals(List.of("message 1", "message 2", "message 3"), framesUntil(alice, "after"));
        // counted once the gap fill has released what it read: awaited, it may land after the frames
        eventually(() -> b.chat.metrics.clusterGapFilled() == 1, "node b read the second one back");
    }

    /** The messages and mentions the member is sent, as "type seq", up to the message of this text. */
    private static List<String> framesUntil(Member member, String text) {
        List<String> seen = new ArrayList<>();
        while (true) {
            JsonObject frame = member.sink.next();
            String type = frame.getString("type");
            if (type.equals("message") || type.equals("mention")) {
                seen.add(type + " " + frame.getJsonNumber("seq"));
            }
            if (type.equals("message") && text.equals(frame.getString("text"))) {
                return seen;
            }
        }
    }

    /**
     * A guest's name is its own on every node: another guest asking for it on the other node is refused, unless it
     * brings the guest's resume token, which takes the name over there and replaces the connection here (4011).
     */
    @Test
    void aGuestsNameIsItsOwnOnEveryNodeAndItsTokenResumesItOnAnother() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        // her presence in the room may reach node b before the news that she is online: the name is guarded by the
        // latter
        eventually(() -> b.chat.users.knownOnlineInCluster(alice.connection.userKey()), "node b knows alice is online");

        Connection impostor =
                b.chat.connection(new dev.parley.chat.entity.Identity("alice", false), new RecordingSink());
        assertEquals(
                dev.parley.chat.entity.ErrorCode.NAME_TAKEN,
                b.chat.users.register(impostor, "not-her-token").code());
        Connection again = b.chat.connection(new dev.parley.chat.entity.Identity("alice", false), new RecordingSink());
        assertEquals(null, b.chat.users.register(again, alice.connection.resumeToken()));

        assertEquals(4011, alice.sink.closeCode());
        assertEquals(alice.connection.resumeToken(), again.resumeToken(), "she keeps her token");
    }

    /** An account logging in on one node displaces a guest of its name on the other, and reserves the name there. */
    @Test
    void anAccountOnOneNodeDisplacesAGuestOfItsNameOnTheOther() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member guest = b.member("ops", "lobby");

        a.account("ops", "lobby");

        assertEquals(4003, guest.sink.closeCode());
        eventually(() -> b.chat.users.reserved("ops"), "node b reserves the name");
    }

    static List<String> strings(JsonObject frame, String field) {
        return frame.getJsonArray(field).getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString)
                .toList();
    }

    /** An operator kicks a user on one node: its connections on the other leave the room, its neighbours see it go. */
    @Test
    void aKickOnOneNodeRemovesTheUserOnTheOther() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        Member carol = b.member("carol", "lobby");

        // what the admin component does on node a: kick here (bob is not here), then tell the others
        a.chat.rooms.kick("lobby", bob.connection.userKey(), "spam");
        a.cluster.onOperatorAction(new OperatorAction.Kicked("lobby", bob.connection.userKey(), "spam"));

        JsonObject left = bob.next("left");
        assertEquals("kicked", left.getString("reason"));
        assertEquals("spam", left.getString("text", null), left::toString);
        carol.presence(
                presence -> presence.getJsonArray("left").getString(0, "").equals("bob"), "bob left");
        alice.presence(
                presence -> presence.getJsonArray("left").getString(0, "").equals("bob"), "bob left, there");
        assertEquals(List.of("alice", "carol"), b.chat.rooms.members("lobby").orElseThrow());
    }

    @Test
    void anAnnouncementOnOneNodeReachesEveryoneOnTheOther() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        a.member("alice", "lobby");
        Member bob = b.member("bob", "lobby");
        Member dan = b.member("dan", "elsewhere");

        a.cluster.onOperatorAction(new OperatorAction.Announced(null, "maintenance at 18:00"));
        a.cluster.onOperatorAction(new OperatorAction.Announced("lobby", "be nice"));

        assertEquals("maintenance at 18:00", bob.next("notice").getString("text"));
        assertEquals("maintenance at 18:00", dan.next("notice").getString("text"));
        JsonObject toTheRoom = bob.next("notice");
        assertEquals("be nice", toTheRoom.getString("text"));
        assertEquals("lobby", toTheRoom.getString("room"));
        assertEquals(
                List.of(),
                dan.sink.drain().stream()
                        .filter(frame -> "notice".equals(frame.getString("type")))
                        .toList(),
                "the room's notice is for its members only");
    }

    /** A room deleted on one node: its members on the other leave it, and the other node forgets it. */
    @Test
    void aRoomDeletedOnOneNodeIsGoneOnTheOther() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        Member alice = a.member("alice", "old");
        Member bob = b.member("bob", "old");
        alice.say("old", "hello");
        assertEquals(List.of(1L), bob.seqs(1));

        a.chat.rooms.purge("old", "the room was deleted: tidy");
        a.cluster.onOperatorAction(new OperatorAction.RoomDeleted("old", "the room was deleted: tidy"));

        JsonObject left = bob.next("left");
        assertEquals("room_closed", left.getString("reason"));
        assertEquals("the room was deleted: tidy", left.getString("text", null), left::toString);
        eventually(() -> !b.chat.rooms.exists("old"), "node b forgot the room");
    }

    /** The news of a room's deletion was lost (the bus was down): the next comparison with the database finds it. */
    @Test
    void aRoomDeletedWhileTheBusWasDownIsForgottenByTheNextComparison() {
        Node a = node(NEVER);
        Node b = node(Map.of("parley.cluster.gap-fill-ms", "600000", "parley.cluster.catch-up-interval-ms", "50"));
        a.member("alice", "old");
        Member bob = b.member("bob", "old");
        bus.dropWhen(text -> true);

        a.chat.rooms.purge("old", "the room was deleted");
        a.cluster.onOperatorAction(new OperatorAction.RoomDeleted("old", "the room was deleted"));

        assertEquals("room_closed", bob.next("left").getString("reason"));
        eventually(() -> !b.chat.rooms.exists("old"), "node b forgot the room");
        assertFalse(b.chat.rooms.exists("old"));
    }

    /**
     * Bans, mutes and closed rooms are in the database: news of a change makes the other node read them again, and so
     * do its (re)subscription and the periodic check, in case such news was lost.
     */
    @Test
    void newsOfChangedRestrictionsMakesTheOtherNodeReadThemAgain() {
        Node a = node(NEVER);
        Node b = node(NEVER);
        // node b reads them once on subscription, which may still be under way: the news must add a read after it
        eventually(() -> b.restrictionsRead.get() >= 1, "node b read the restrictions on subscription");
        int before = b.restrictionsRead.get();

        a.cluster.onOperatorAction(new OperatorAction.RestrictionsChanged());

        eventually(() -> b.restrictionsRead.get() >= before + 1, "node b read the restrictions again");
        Node c = node(Map.of(
                "parley.cluster.gap-fill-ms", "600000",
                "parley.cluster.catch-up-interval-ms", "600000",
                "parley.cluster.restrictions-interval-ms", "50"));
        eventually(() -> c.restrictionsRead.get() >= 3, "on subscription, then every 50 ms");
    }

    /**
     * This node stored a message and the comparison with the database released it before the committer's receipt
     * came (a gap fill does the same): its sender still gets its own copy with the ref, once, which acknowledges it.
     */
    @Test
    void aMessageReadBackBeforeItsReceiptStillReachesItsSenderWithItsRefOnce() {
        Node a = node(Map.of("parley.cluster.gap-fill-ms", "600000", "parley.cluster.catch-up-interval-ms", "50"));
        Member alice = a.member("alice", "lobby");
        a.holdReceipts();

        alice.sayWithRef("lobby", "mine", "r-1");

        JsonObject own = alice.sink.next("message");
        assertEquals("r-1", own.getString("ref", null), "the sender's copy, with its ref: " + own);
        eventually(() -> a.chat.metrics.clusterCaughtUp() == 1, "the comparison released it");
        a.releaseReceipts();
        eventually(() -> a.chat.posting.pending() == 0, "the receipt settled the post");
        assertEquals(List.of(), alice.sink.drain(), "nothing twice");
    }

    /**
     * Four writers, two on each node, post at once to one room while the bus drops one hint in five, reorders within
     * each batch the test holds back, and goes down for a while: every member on both nodes sees 1..N once, in order.
     */
    @Test
    void writersOnBothNodesWithALossyBusGiveEveryMemberTheSameOrder() throws Exception {
        Busy busy = Busy.on(node(QUICK_CATCH_UP), node(QUICK_CATCH_UP));
        bus.dropWhen(text -> text.hashCode() % 5 == 0);

        busy.post(25, posted -> {
            if (posted == 10) {
                bus.down();
            } else if (posted == 15) {
                bus.up();
            }
        });

        busy.everyReaderSawAll(database);
    }

    /** What the bus loses comes back within a test: gap fills after 20 ms, comparisons every 200 ms (50 while down). */
    static final Map<String, String> QUICK_CATCH_UP = Map.of(
            "parley.cluster.gap-fill-ms", "20",
            "parley.cluster.catch-up-interval-ms", "200",
            "parley.cluster.catch-up-interval-down-ms", "50");

    /** The room {@code busy} with two writers and a reader on each of two nodes. */
    record Busy(List<Member> writers, Member readerA, Member readerB, AtomicInteger posted) {

        static final String ROOM = "busy";

        static Busy on(Node a, Node b) {
            return new Busy(
                    List.of(a.member("w1", ROOM), a.member("w2", ROOM), b.member("w3", ROOM), b.member("w4", ROOM)),
                    a.member("ra", ROOM),
                    b.member("rb", ROOM),
                    new AtomicInteger());
        }

        /** Each writer posts {@code each}, all at once; see {@link #postAtOnce}. */
        void post(int each, IntConsumerWithFailure afterFirstWriters) throws Exception {
            postAtOnce(writers, ROOM, each, afterFirstWriters);
            posted.addAndGet(each * writers.size());
        }

        /** Both readers saw 1..N once and in order, and the database holds N. */
        void everyReaderSawAll(ArchiveDouble database) {
            List<Long> all = LongStream.rangeClosed(1, posted.get()).boxed().toList();
            assertEquals(all, readerA.seqs(all.size()), "node a's reader");
            assertEquals(all, readerB.seqs(all.size()), "node b's reader");
            assertEquals(all.size(), database.all(ROOM).size());
        }
    }

    /**
     * Each writer posts {@code each} messages to the room, all writers at once; after each post of the first writer,
     * {@code afterFirstWriters} is told how many it has posted (to break the bus at a point of the stream).
     */
    static void postAtOnce(List<Member> writers, String room, int each, IntConsumerWithFailure afterFirstWriters)
            throws Exception {
        ExecutorService posters = Executors.newFixedThreadPool(writers.size());
        try {
            List<Future<?>> posted = new ArrayList<>();
            for (Member writer : writers) {
                posted.add(posters.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        writer.say(room, writer.name + " " + i);
                        if (writer == writers.get(0)) {
                            afterFirstWriters.accept(i);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> one : posted) {
                one.get(30, TimeUnit.SECONDS);
            }
        } finally {
            posters.shutdownNow();
        }
    }

    /** An IntConsumer that may throw (killing a process waits for it). */
    interface IntConsumerWithFailure {
        void accept(int value) throws Exception;
    }

    /** Waits for what another thread records after the frame the test saw (five seconds unless told). */
    static void eventually(BooleanSupplier condition, String what) {
        eventually(Duration.ofSeconds(5), condition, what);
    }

    static void eventually(Duration within, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private Node node(Map<String, String> settings) {
        Node node = new Node(settings, database, bus);
        nodes.add(node);
        return node;
    }

    /** One Parley node: chat as the container wires it, and cluster mode on the shared bus. */
    static final class Node implements AutoCloseable {

        final ChatFixture chat;
        final Cluster cluster = new Cluster();
        /** Receipts held back: stored, and not yet told to chat (a committer between its commit and its event). */
        final List<PostsSettled> held = new ArrayList<>();
        /** How often the admin component was asked to read the restrictions again. */
        final AtomicInteger restrictionsRead = new AtomicInteger();

        boolean holdingReceipts;

        Node(Map<String, String> settings, ArchiveDouble database, BusDouble bus) {
            this(settings, database, threads -> bus.node());
        }

        /** A node whose bus {@code busMaker} makes from the cluster's thread factory (e.g. a real RedisBus). */
        Node(Map<String, String> settings, ArchiveDouble database, Function<ThreadFactory, ClusterBus> busMaker) {
            chat = ChatFixture.node(settings, database);
            cluster.rooms = chat.rooms;
            cluster.users = chat.users;
            cluster.moderation = chat.moderation;
            cluster.metrics = chat.metrics;
            cluster.restrictionsStale = new EventDouble<>(stale -> restrictionsRead.incrementAndGet());
            chat.presenceHere = cluster::onPresenceHere;
            chat.onlineHere = cluster::onOnlineHere;
            chat.relayed = cluster::onRelayed;
            chat.settled = settled -> {
                synchronized (held) {
                    if (holdingReceipts) {
                        held.add(settled);
                        return;
                    }
                }
                chat.rooms.onPostsSettled(settled);
                cluster.onPostsSettled(settled);
            };
            cluster.startWith(ClusterSettings.from(Settings.of(settings)), Executors.defaultThreadFactory(), busMaker);
            // subscribed, and the comparison after it done, before the test posts: what a test later sees found by a
            // comparison or a gap fill is then what it made the bus lose. (A comparison alone is no sign of the
            // subscription: while the bus is still connecting, the comparisons of a bus that is down run too, and a
            // guest new to a node whose bus is down is refused.)
            eventually(
                    Duration.ofSeconds(15),
                    () -> chat.metrics.clusterState() == ClusterState.BUS_UP && chat.metrics.clusterCatchUps() >= 1,
                    "subscribed, and the first comparison with the database");
        }

        /** The accounts and conversations of the cluster's database, for this node too. */
        void share(AccountsDouble accounts, PrivateRoomsDouble conversations) {
            chat.share(accounts, conversations);
        }

        void holdReceipts() {
            synchronized (held) {
                holdingReceipts = true;
            }
        }

        void releaseReceipts() {
            List<PostsSettled> receipts;
            synchronized (held) {
                holdingReceipts = false;
                receipts = new ArrayList<>(held);
                held.clear();
            }
            receipts.forEach(chat.settled);
        }

        /** A logged-in user's connection that keeps rooms (membership), receipts on, in the room. */
        Member account(String name, String room) {
            RecordingSink sink = new RecordingSink();
            return joined(name, chat.runsCommands(chat.keeper(name, sink)), sink, room);
        }

        /** A logged-in user's connection that keeps no rooms, in the room. */
        Member signedIn(String name, String room) {
            RecordingSink sink = new RecordingSink();
            Connection connection = chat.connection(new dev.parley.chat.entity.Identity(name, true), sink);
            if (chat.users.register(connection, null) != null) {
                fail(name + " was refused");
            }
            return joined(name, connection, sink, room);
        }

        private Member joined(String name, Connection connection, RecordingSink sink, String room) {
            chat.rooms.join(connection, new Command.Join(room));
            JsonObject joined = null;
            while (joined == null) {
                JsonObject frame = sink.next();
                if ("joined".equals(frame.getString("type"))) {
                    joined = frame;
                }
            }
            return new Member(name, connection, sink, chat, joined);
        }

        Member member(String name, String room) {
            RecordingSink sink = new RecordingSink();
            Connection connection = chat.guest(name, sink);
            chat.rooms.join(connection, new Command.Join(room));
            JsonObject joined = sink.next("joined");
            return new Member(name, connection, sink, chat, joined);
        }

        @Override
        public void close() throws InterruptedException {
            cluster.stop();
            chat.close();
        }
    }

    /** A guest on one node, in one room, and the messages its connection was sent. */
    static final class Member {

        final String name;
        final Connection connection;
        final RecordingSink sink;
        final ChatFixture chat;
        final JsonObject joinedFrame;
        final List<String> texts = new ArrayList<>();

        Member(String name, Connection connection, RecordingSink sink, ChatFixture chat, JsonObject joinedFrame) {
            this.name = name;
            this.connection = connection;
            this.sink = sink;
            this.chat = chat;
            this.joinedFrame = joinedFrame;
        }

        void sayWithRef(String room, String text, String ref) {
            chat.rooms.post(connection, new Command.Say(room, text, ref));
        }

        void say(String room, String... texts) {
            for (String text : texts) {
                chat.rooms.post(connection, new Command.Say(room, text, null));
            }
        }

        /** The next frame of this type (others skipped). */
        JsonObject next(String type) {
            while (true) {
                JsonObject frame = sink.next();
                if (type.equals(frame.getString("type"))) {
                    return frame;
                }
            }
        }

        /** Waits for a {@code presence} that matches (others skipped). */
        JsonObject presence(java.util.function.Predicate<JsonObject> wanted, String what) {
            while (true) {
                JsonObject frame = next("presence");
                if (wanted.test(frame)) {
                    return frame;
                }
            }
        }

        /** The seqs of the next {@code count} messages this member is sent (other events skipped). */
        List<Long> seqs(int count) {
            List<Long> seqs = new ArrayList<>();
            while (seqs.size() < count) {
                JsonObject frame = sink.next();
                if ("message".equals(frame.getString("type"))) {
                    seqs.add(frame.getJsonNumber("seq").longValue());
                    texts.add(frame.getString("text"));
                }
            }
            return seqs;
        }
    }
}
