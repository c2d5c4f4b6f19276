package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ChatPage;
import dev.parley.testing.Devices;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Screenshots;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * Private rooms and direct conversations (the conversations extension, {@code membership=1}) for logged-in users on
 * a real server and database: a direct message and an invitation to someone offline wait for them, across a SIGKILL;
 * a private room gives a third user no hint of itself, by its id or by its title; a member who leaves is out.
 */
class ConversationIT {

    static final String PASSWORD = "private-Talk-1";

    @RegisterExtension
    static final OwnServer server = OwnServer.forOneAddress("conversations")
            .withUser("kim", PASSWORD)
            .withUser("lou", PASSWORD)
            .withUser("max", PASSWORD)
            .withUser("ned", PASSWORD)
            .withUser("ops", PASSWORD, "chat-admin");

    @Test
    void aDirectMessageAndAnInvitationWaitForAnOfflineUserAcrossASigkill() throws Exception {
        device("lou").close(); // lou has logged in once: an account others can reach
        String direct;
        String plans;
        try (ChatClient kim = device("kim")) {
            assertTrue(ChatClient.strings(kim.welcome(), "features").contains("conversations"));
            kim.await("kept");
            kim.command("direct", "to", "lou");
            JsonObject opened = kim.await( // after the joins of kim's kept rooms
                    frame -> "joined".equals(frame.getString("type", null))
                            && "lou".equals(frame.getString("with", null)),
                    "joined the conversation with lou");
            direct = opened.getString("room");
            assertEquals("direct", opened.getString("kind"));
            assertEquals("lou", opened.getString("with"));
            kim.post(direct, "are you in tomorrow?");

            String title = ChatClient.unique("Launch plans");
            kim.command("create", "title", title);
            JsonObject created = awaitJoinedTitled(kim, title);
            plans = created.getString("room");
            assertEquals("private", created.getString("kind"));
            kim.post(plans, "the plan");
            kim.command("invite", "room", plans, "user", "lou");
            JsonObject invited = kim.await("invited");
            assertEquals("lou", invited.getString("user"));
            assertEquals("kim", invited.getString("by"));
        }
        server.process().kill();
        server.process().start();

        try (ChatClient lou = device("lou")) {
            List<JsonObject> kept = lou.await("kept").getJsonArray("rooms").getValuesAs(JsonObject.class);
            JsonObject waiting = kept(kept, direct);
            assertEquals(1, waiting.getJsonNumber("unread").longValue(), waiting::toString);
            assertEquals("kim", waiting.getString("with"));
            assertEquals("private", kept(kept, plans).getString("kind"));
            JsonObject joined = lou.await(
                    frame -> "joined".equals(frame.getString("type", null)) && direct.equals(frame.getString("room")),
                    "joined " + direct);
            assertEquals(
                    "are you in tomorrow?",
                    joined.getJsonArray("history").getJsonObject(0).getString("text"));
            lou.post(direct, "yes");
        }
    }

    @Test
    void aPrivateRoomGivesAThirdUserNoHintAndALeaverIsOut() throws Exception {
        try (ChatClient kim = device("kim");
                ChatClient max = device("max")) {
            kim.await("kept");
            max.await("kept");
            String title = ChatClient.unique("secret");
            kim.command("create", "title", title);
            String secret = awaitJoinedTitled(kim, title).getString("room");
            kim.post(secret, "not for max");

            assertFalse(ChatClient.strings(max.welcome(), "rooms").contains(secret));
            max.command("join", "room", secret);
            JsonObject refused = max.await("error");
            String unknown = "~" + "0".repeat(16);
            max.command("join", "room", unknown);
            JsonObject none = max.await("error");
            assertEquals("room_invalid", refused.getString("code"), refused::toString);
            assertEquals(
                    none.getString("message").replace(unknown, "ID"),
                    refused.getString("message").replace(secret, "ID"),
                    "the same answer as for an id that does not exist");
            max.command("history", "room", secret, "after", 0);
            assertEquals("not_member", max.await("error").getString("code"));
            JsonObject byTitle = max.join(title);
            assertEquals(0, byTitle.getJsonNumber("last").longValue(), "its title is a new, empty public room");
            assertFalse(byTitle.containsKey("kind"));

            kim.command("invite", "room", secret, "user", "max");
            assertEquals(secret, max.await("invited").getString("room"));
            JsonObject joined = max.join(secret);
            assertEquals(
                    "not for max",
                    joined.getJsonArray("history").getJsonObject(0).getString("text"));
            max.leave(secret);
            max.command("join", "room", secret);
            assertEquals("room_invalid", max.await("error").getString("code"), "out until invited again");

            AdminApi operator = AdminApi.basic(server.base(), "ops", PASSWORD);
            JsonObject listed =
                    operator.array(operator.get("rooms?query=" + secret)).getJsonObject(0);
            assertEquals(secret, listed.getString("name"));
            assertTrue(listed.getBoolean("privateRoom"), listed::toString);
            assertFalse(operator.array(operator.get("rooms?query=" + title))
                    .getJsonObject(0)
                    .getBoolean("privateRoom"));
            operator.ok(operator.delete("rooms/" + secret));
            kim.command("join", "room", secret);
            assertEquals("room_invalid", kim.await("error").getString("code"), "deleted: as if it never was");
        }
    }

    @Test
    void guestsAndV1ConnectionsCannotHoldConversations() throws Exception {
        try (ChatClient guest = ChatClient.open(server.base(), ChatClient.unique("guest"));
                ChatClient v1 = connect("kim", "")) {
            guest.command("direct", "to", "kim");
            ProtocolIT.assertError(guest.await("error"), "unauthorized", "direct");
            v1.command("create", "title", "x");
            ProtocolIT.assertError(v1.await("error"), "bad_request", "create");
        }
    }

    /**
     * The page, as people use it: kim writes to ned, who is offline, and makes a private room; ned logs in later and
     * finds the message waiting; max, a third user, joins the room's title and finds an empty public room, sees
     * nothing of the private one, until kim invites him from the room's members panel.
     */
    @Test
    void thePageKeepsADirectMessageForAnOfflineUserAndShowsAPrivateRoomOnlyToItsMembers() throws Exception {
        device("ned").close(); // ned has logged in before (a conversation of his own: the other tests use lou)
        String title = ChatClient.unique("plans");
        try (ChatPage kim = Devices.loggedInPage(server, "kim", PASSWORD)) {
            kim.submit("dm-name", "ned").waitTitle("ned");
            assertTrue(kim.subtitle().startsWith("Direct conversation"), kim.subtitle());
            kim.say("see you at nine").waitMessage("see you at nine");
            kim.submit("create-title", title).waitTitle(title);
            kim.say("the private plan").waitMessage("the private plan");

            try (ChatPage ned = Devices.loggedInPage(server, "ned", PASSWORD)) {
                ned.waitUnread("title", "kim", "1");
                ned.sidebarLink("title", "kim").click();
                ned.waitTitle("kim").waitMessage("see you at nine");
                Screenshots.save("direct-waiting.png", ned.screenshot());
            }

            try (ChatPage max = Devices.loggedInPage(server, "max", PASSWORD)) {
                max.joinWithForm(title);
                assertTrue(max.messages().isEmpty(), "the title joined is a new, empty public room");
                assertTrue(
                        max.find(".conversation-link[data-title='" + title + "']")
                                        .isEmpty()
                                && max.find("[data-join^='~']").isEmpty(),
                        "nothing of the private room");

                kim.sidebarLink("title", title).click();
                kim.waitTitle(title);
                kim.find("#show-members").stream()
                        .filter(WebElement::isDisplayed)
                        .forEach(WebElement::click);
                kim.submit("invite-name", "max");
                kim.waitFor(
                        "the invitation noted",
                        p -> p.find(".notice").stream()
                                .filter(n -> n.getText().contains("kim invited max"))
                                .findFirst()
                                .orElse(null));
                max.sidebarLink("title", title).click();
                max.waitTitle(title).waitMessage("the private plan");
                Screenshots.save("private-room.png", max.screenshot());
            }
        }
    }

    private static JsonObject awaitJoinedTitled(ChatClient client, String title) {
        return client.await(
                frame -> "joined".equals(frame.getString("type", null)) && title.equals(frame.getString("title", null)),
                "joined " + title);
    }

    private static JsonObject kept(List<JsonObject> kept, String room) {
        return kept.stream()
                .filter(each -> room.equals(each.getString("room")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(room + " is not kept: " + kept));
    }

    /** A device of the user: a FORM login of its own, and a connection that asks for membership. */
    private static ChatClient device(String user) throws Exception {
        return connect(user, "membership=1");
    }

    private static ChatClient connect(String user, String query) throws Exception {
        return Devices.connect(server, user, PASSWORD, query);
    }
}
