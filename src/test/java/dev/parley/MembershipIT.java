package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.ChatPage;
import dev.parley.testing.Devices;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import dev.parley.testing.ServerMetrics;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * Rooms kept by the server and read markers (membership, {@code membership=1}) for logged-in users on a real server
 * and database: two devices of one user, each with its own FORM login, see the same rooms, unread counts and
 * markers; a leave on one leaves on the other; a v1 connection of the same user is never put into rooms; the rooms
 * and markers survive a SIGKILL once the markers were written. Users are added to the server's realm as its operator
 * does; guests are allowed alongside (mixed mode), and post as the "others".
 */
class MembershipIT {

    static final String PASSWORD = "kept-Rooms-1";

    @RegisterExtension
    static final OwnServer server = OwnServer.forOneAddress(
                    "membership", "-Dparley.membership.marker-store-interval-ms=200")
            .withUser("dana", PASSWORD)
            .withUser("erin", PASSWORD)
            .withUser("fay", PASSWORD)
            .withUser("gil", PASSWORD);

    @Test
    void twoDevicesShareRoomsUnreadCountsAndMarkersAndALeaveLeavesBoth() throws Exception {
        URL base = server.base();
        String room = ChatClient.unique("kept");
        try (ChatClient phone = device("dana");
                ChatClient guest = ChatClient.open(base, ChatClient.unique("guest"))) {
            assertTrue(phone.welcome().getJsonArray("features").getValuesAs(jakarta.json.JsonString.class).stream()
                    .anyMatch(feature -> "membership".equals(feature.getString())));
            phone.await("kept");
            phone.join(room);
            guest.join(room);
            guest.post(room, "one");
            guest.post(room, "two");
            phone.post(room, "dana's own");

            try (ChatClient laptop = device("dana")) {
                JsonObject kept = keptRoom(laptop.await("kept"), room);
                assertEquals(0, kept.getJsonNumber("read").longValue(), kept::toString);
                assertEquals(2, kept.getJsonNumber("unread").longValue(), "the guest's two, not dana's own");
                assertEquals(3, kept.getJsonNumber("last").longValue());
                JsonObject joined = laptop.await(
                        frame -> "joined".equals(frame.getString("type", null)) && room.equals(frame.getString("room")),
                        "joined " + room);
                assertEquals(3, joined.getJsonNumber("last").longValue());

                phone.command("read", "room", room, "seq", 1);
                assertRead(phone.await("read"), room, 1, 1); // the guest's "two"; dana's own is never unread
                assertRead(laptop.await("read"), room, 1, 1);

                try (ChatClient oldTab = v1Device("dana")) {
                    assertTrue(
                            oldTab.sync().stream().noneMatch(frame -> room.equals(frame.getString("room", null))),
                            "a v1 connection is put into no room");
                    oldTab.join(room);

                    laptop.leave(room);
                    JsonObject left = phone.await("left");
                    assertEquals("left_elsewhere", left.getString("reason"), left::toString);
                    assertTrue(
                            oldTab.sync().stream().noneMatch(frame -> "left".equals(frame.getString("type", null))),
                            "a v1 connection leaves only by itself");
                }
            }
            try (ChatClient tablet = device("dana")) {
                assertTrue(
                        tablet.await("kept").getJsonArray("rooms").stream()
                                .noneMatch(
                                        kept -> room.equals(kept.asJsonObject().getString("room"))),
                        "the room is no longer kept");
            }
        }
    }

    @Test
    void badReadsAreRefusedWithTheirCodes() throws Exception {
        URL base = server.base();
        String room = ChatClient.unique("kept");
        try (ChatClient keeper = device("erin");
                ChatClient v1 = v1Device("erin");
                ChatClient guest = ChatClient.open(base, ChatClient.unique("guest"))) {
            keeper.await("kept");
            keeper.command("read", "room", room, "seq", 1);
            ProtocolIT.assertError(keeper.await("error"), "not_member", "read");
            keeper.command("read", "room", room, "seq", -1);
            ProtocolIT.assertError(keeper.await("error"), "bad_request", "read");
            v1.join(room);
            v1.command("read", "room", room, "seq", 1);
            ProtocolIT.assertError(v1.await("error"), "bad_request", "read");
            guest.join(room);
            guest.command("read", "room", room, "seq", 1);
            ProtocolIT.assertError(guest.await("error"), "unauthorized", "read");
        }
    }

    @Test
    void keptRoomsAndWrittenMarkersSurviveASigkill() throws Exception {
        URL base = server.base();
        String room = ChatClient.unique("durable");
        try (ChatClient phone = device("erin");
                ChatClient guest = ChatClient.open(base, ChatClient.unique("guest"))) {
            phone.await("kept");
            phone.join(room);
            guest.join(room);
            for (int i = 1; i <= 3; i++) {
                guest.post(room, "m" + i);
            }
            phone.command("read", "room", room, "seq", 2);
            assertRead(phone.await("read"), room, 2, 1);
            Poll.until(
                    ChatClient.TIMEOUT,
                    () -> ServerMetrics.value(base, "parley_read_markers_unstored") == 0,
                    "the moved marker written");
        }
        server.process().kill();
        server.process().start();
        try (ChatClient laptop = device("erin")) {
            JsonObject kept = keptRoom(laptop.await("kept"), room);
            assertEquals(2, kept.getJsonNumber("read").longValue(), kept::toString);
            assertEquals(1, kept.getJsonNumber("unread").longValue(), kept::toString);
        }
    }

    /**
     * The page on two "devices" (two Chromiums, each with its own login): the laptop logging in later finds the room
     * the phone joined with the server's unread count; reading it on the laptop (a "New messages" line above what
     * arrived) clears the phone's badge; a reload keeps the room and the marker.
     */
    @Test
    void thePageKeepsRoomsAndUnreadCountsAcrossDevices() throws Exception {
        String room = ChatClient.unique("page");
        try (ChatPage phone = loggedInPage("fay");
                ChatClient guest = ChatClient.open(server.base(), ChatClient.unique("guest"))) {
            phone.joinWithForm(room).openRoom("general");
            guest.join(room);
            guest.post(room, "one");
            guest.post(room, "two");
            phone.waitUnread("room", room, "2");

            try (ChatPage laptop = loggedInPage("fay")) {
                laptop.waitUnread("room", room, "2"); // counted by the server: the laptop saw neither message
                laptop.openRoom(room).waitMessage("two");
                assertTrue(
                        laptop.find(".new-messages").stream().anyMatch(WebElement::isDisplayed),
                        "a New messages line above what arrived since the marker");
                phone.waitUnread("room", room, ""); // read on the laptop
            }
            phone.load(server.process().httpUri()).waitConnectedAs("fay");
            phone.sidebarLink("room", room);
            phone.waitUnread("room", room, "");

            // read receipts: gil reads the latest message, and fay's page says so under it; fay turns them off
            phone.openRoom(room).waitMessage("two");
            try (ChatClient gil = device("gil")) {
                gil.await("kept");
                long last = gil.join(room).getJsonNumber("last").longValue();
                guest.post(room, "three");
                gil.command("read", "room", room, "seq", last + 1);
                gil.await("read");
                phone.waitFor(
                        "Seen by gil under the latest message",
                        p -> p.find(".seen").stream()
                                .filter(seen -> seen.getText().equals("Seen by gil"))
                                .findFirst()
                                .orElse(null));
                phone.find("#receipts-toggle").get(0).click();
                phone.waitFor(
                        "receipts off",
                        p -> p.find("#receipts-toggle").get(0).getText().endsWith("off")
                                        && p.find(".seen").isEmpty()
                                ? Boolean.TRUE
                                : null);
            }
        }
    }

    private static ChatPage loggedInPage(String user) {
        return Devices.loggedInPage(server, user, PASSWORD);
    }

    /** A device of the user: a FORM login of its own, and a connection that asks for membership. */
    private static ChatClient device(String user) throws Exception {
        return connect(user, "membership=1");
    }

    /** A v1 device of the user: logged in, without membership. */
    private static ChatClient v1Device(String user) throws Exception {
        return connect(user, "");
    }

    private static ChatClient connect(String user, String query) throws Exception {
        return Devices.connect(server, user, PASSWORD, query);
    }

    static JsonObject keptRoom(JsonObject kept, String room) {
        List<JsonObject> rooms = kept.getJsonArray("rooms").getValuesAs(JsonObject.class);
        return rooms.stream()
                .filter(each -> room.equals(each.getString("room")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(room + " is not kept: " + kept));
    }

    private static void assertRead(JsonObject read, String room, long seq, long unread) {
        assertEquals(room, read.getString("room"), read::toString);
        assertEquals(seq, read.getJsonNumber("seq").longValue(), read::toString);
        assertEquals(unread, read.getJsonNumber("unread").longValue(), read::toString);
        assertFalse(read.containsKey("ref"));
    }
}
