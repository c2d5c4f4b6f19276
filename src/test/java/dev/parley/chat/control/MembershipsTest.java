package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.Identity;
import jakarta.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kept rooms and read markers (membership) with the archive doubles: what a logged-in user's devices that ask for it
 * are told, what is stored when, and that guests and v1 connections keep today's behaviour.
 */
class MembershipsTest {

    /** Long enough that nothing is written by the timer during a test: what is stored comes from stop(). */
    ChatFixture chat = new ChatFixture(Map.of("parley.membership.marker-store-interval-ms", "3600000"));

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void aSecondDeviceGetsTheKeptRoomsWithUnreadCountsAndIsJoinedBeforeItsOwnCommands() {
        RecordingSink phoneSink = new RecordingSink();
        Connection phone = device("alice", phoneSink, true);
        run(phone, new Command.Join("lobby"));
        phoneSink.next("joined");
        Connection bob = guest("bob", new RecordingSink());
        run(bob, new Command.Join("lobby"));
        run(bob, new Command.Say("lobby", "one", null));
        run(bob, new Command.Say("lobby", "two", null));
        run(phone, new Command.Say("lobby", "mine", null));

        RecordingSink laptopSink = new RecordingSink();
        Connection laptop = device("alice", laptopSink, true);
        chat.memberships.connected(laptop);
        run(laptop, new Command.Say("lobby", "from the laptop", null)); // sent at once: waits for the join

        laptopSink.next("receipts");
        JsonObject kept = laptopSink.next("kept");
        JsonObject lobby = kept.getJsonArray("rooms").getJsonObject(0);
        assertEquals("lobby", lobby.getString("room"));
        assertEquals(0, lobby.getJsonNumber("read").longValue(), "read up to the room's last seq at the first join");
        assertEquals(2, lobby.getJsonNumber("unread").longValue(), "bob's two; alice's own post is not unread");
        assertEquals(3, lobby.getJsonNumber("last").longValue());
        JsonObject joined = laptopSink.next("joined");
        assertEquals("lobby", joined.getString("room"));
        JsonObject own = laptopSink.next();
        if ("receipts".equals(own.getString("type"))) { // sent from the memberships' thread: before or after it
            own = laptopSink.next("message");
        }
        assertEquals("from the laptop", own.getString("text"), "the laptop's say ran after the kept join");
    }

    @Test
    void aReadMovesTheMarkerOnEveryDeviceNeverBackAndIsStoredOnlyWithTheNextWrite() {
        RecordingSink phoneSink = new RecordingSink();
        Connection phone = device("alice", phoneSink, true);
        RecordingSink laptopSink = new RecordingSink();
        Connection laptop = device("alice", laptopSink, true);
        run(phone, new Command.Join("lobby"));
        run(laptop, new Command.Join("lobby"));
        Connection bob = guest("bob", new RecordingSink());
        run(bob, new Command.Join("lobby"));
        for (int i = 1; i <= 4; i++) {
            run(bob, new Command.Say("lobby", "m" + i, null));
        }
        phoneSink.drain();
        laptopSink.drain();

        run(phone, new Command.Read("lobby", 3));
        assertRead(phoneSink.next("read"), 3, 1);
        assertRead(laptopSink.next("read"), 3, 1);
        run(laptop, new Command.Read("lobby", 2));
        assertRead(laptopSink.next("read"), 3, 1); // never back
        run(laptop, new Command.Read("lobby", 99));
        assertRead(laptopSink.next("read"), 4, 0); // beyond the last seq: stops at it
        assertRead(phoneSink.next("read"), 3, 1);
        assertRead(phoneSink.next("read"), 4, 0);
        assertEquals(0, chat.kept.marker("a:alice", "lobby"), "written at most once per interval, not per read");

        chat.memberships.stop();
        assertEquals(4, chat.kept.marker("a:alice", "lobby"), "written before the server stops");
    }

    @Test
    void membersOfASmallRoomSeeEachOthersReceiptsUnlessTheyTurnedThemOff() {
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = keeper("alice", aliceSink);
        RecordingSink bobSink = new RecordingSink();
        Connection bob = keeper("bob", bobSink);
        RecordingSink carolSink = new RecordingSink();
        Connection carol = keeper("carol", carolSink);
        run(alice, new Command.Join("lobby"));
        run(alice, new Command.Say("lobby", "one", null));
        run(alice, new Command.Say("lobby", "two", null));
        run(alice, new Command.Read("lobby", 2));
        run(bob, new Command.Join("lobby"));
        bobSink.next("joined");
        assertEquals(2, bobSink.next("receipts").getJsonObject("read").getInt("alice"), "alice read up to 2");
        run(carol, new Command.Receipts(false));
        assertFalse(carolSink.next("receipts").getBoolean("on"));
        run(carol, new Command.Join("lobby"));
        // a keeping connection's join finishes on the memberships thread: wait for it, or drain() may come first
        carolSink.next("joined");
        aliceSink.drain();
        bobSink.drain();
        carolSink.drain();

        run(alice, new Command.Say("lobby", "three", null)); // bob joined at 2: his marker stands there
        aliceSink.drain();
        run(bob, new Command.Read("lobby", 3));
        bobSink.next("message");
        bobSink.next("read");
        JsonObject receipt = aliceSink.next("receipt");
        assertEquals("bob", receipt.getString("user"));
        assertEquals(3, receipt.getJsonNumber("seq").longValue());
        run(carol, new Command.Read("lobby", 3));
        carolSink.next("message");
        carolSink.next("read");
        run(bob, new Command.Read("lobby", 3)); // not moved: no receipt
        bobSink.next("read");
        run(alice, new Command.Say("lobby", "four", null));
        aliceSink.next("message");
        run(bob, new Command.Read("lobby", 4));
        assertEquals(4, aliceSink.next("receipt").getJsonNumber("seq").longValue(), "carol's read sent none");
        assertTrue(
                carolSink.drain().stream().noneMatch(frame -> "receipt".equals(frame.getString("type"))),
                "carol, with receipts off, sees none");
    }

    @Test
    void aLeaveFromAKeepingDeviceLeavesOnEveryKeepingDeviceAndForgetsTheRoom() {
        RecordingSink phoneSink = new RecordingSink();
        Connection phone = device("alice", phoneSink, true);
        RecordingSink laptopSink = new RecordingSink();
        Connection laptop = device("alice", laptopSink, true);
        RecordingSink oldTabSink = new RecordingSink();
        Connection oldTab = device("alice", oldTabSink, false);
        for (Connection each : new Connection[] {phone, laptop, oldTab}) {
            run(each, new Command.Join("lobby"));
        }
        phoneSink.drain();
        laptopSink.drain();
        oldTabSink.drain();

        run(phone, new Command.Leave("lobby"));
        assertFalse(phoneSink.next("left").containsKey("reason"));
        assertEquals("left_elsewhere", laptopSink.next("left").getString("reason"));
        assertTrue(oldTabSink.drain().isEmpty(), "a v1 connection leaves only by itself");
        assertTrue(oldTab.rooms().contains("lobby"));

        RecordingSink tabletSink = new RecordingSink();
        chat.memberships.connected(device("alice", tabletSink, true));
        tabletSink.next("receipts");
        assertTrue(tabletSink.next("kept").getJsonArray("rooms").isEmpty(), "the room is no longer kept");
    }

    @Test
    void guestsAndV1ConnectionsKeepTodaysBehaviour() {
        RecordingSink v1Sink = new RecordingSink();
        Connection v1 = device("alice", v1Sink, false);
        run(v1, new Command.Join("lobby"));
        v1Sink.next("joined");
        chat.memberships.connected(v1);
        run(v1, new Command.Read("lobby", 1));
        assertError(v1Sink.next("error"), "bad_request");
        assertNull(chat.kept.marker("a:alice", "lobby"), "a v1 join keeps no room");

        RecordingSink guestSink = new RecordingSink();
        Connection guest = guest("visitor", guestSink);
        guest.keepsRooms(false);
        run(guest, new Command.Join("lobby"));
        guestSink.next("joined");
        run(guest, new Command.Read("lobby", 1));
        assertError(guestSink.next("error"), "unauthorized");

        RecordingSink keeperSink = new RecordingSink();
        Connection keeper = device("alice", keeperSink, true);
        run(keeper, new Command.Read("elsewhere", 1));
        assertError(keeperSink.next("error"), "not_member");
    }

    /** A logged-in user's connection that keeps rooms, with its (empty) kept rooms and receipts choice read. */
    private Connection keeper(String user, RecordingSink sink) {
        Connection connection = device(user, sink, true);
        chat.memberships.connected(connection);
        assertTrue(sink.next("receipts").getBoolean("on"));
        sink.next("kept");
        // its commands wait until the read is over, which ends just after kept was sent: a probe's answer says when
        run(connection, new Command.Read("probe", 1));
        assertError(sink.next("error"), "not_member");
        return connection;
    }

    /** A logged-in user's connection, registered, running its commands as the endpoint does. */
    private Connection device(String user, RecordingSink sink, boolean keepsRooms) {
        Connection connection = chat.connection(new Identity(user, true), sink);
        connection.keepsRooms(keepsRooms);
        assertNull(chat.users.register(connection, null));
        return chat.runsCommands(connection);
    }

    private Connection guest(String name, RecordingSink sink) {
        return chat.runsCommands(chat.guest(name, sink));
    }

    private static void run(Connection connection, Command command) {
        connection.run(command);
    }

    private static void assertRead(JsonObject read, long seq, long unread) {
        assertEquals("lobby", read.getString("room"));
        assertEquals(seq, read.getJsonNumber("seq").longValue(), read::toString);
        assertEquals(unread, read.getJsonNumber("unread").longValue(), read::toString);
    }

    private static void assertError(JsonObject error, String code) {
        assertEquals(code, error.getString("code"), error::toString);
        assertEquals("read", error.getString("for"));
    }
}
