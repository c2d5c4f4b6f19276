package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.ChatPage;
import dev.parley.testing.Devices;
import dev.parley.testing.OwnServer;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * Mentions on a real server and database with logged-in users: every connection of a mentioned member gets a
 * {@code mention}, a keeper's count is stored with the message (so an offline keeper finds it, after a SIGKILL too)
 * and a read clears it; the page shows a badge, highlights the message and raises a desktop notification while its
 * tab is hidden. Guests post as the others (mixed mode).
 */
class MentionsIT {

    static final String PASSWORD = "Mention-me-1";

    @RegisterExtension
    static final OwnServer server = OwnServer.forOneAddress(
                    "mentions", "-Dparley.membership.marker-store-interval-ms=200")
            .withUser("hana", PASSWORD)
            .withUser("ivan", PASSWORD)
            .withUser("jo", PASSWORD);

    @Test
    void everyConnectionOfAMentionedMemberIsToldAndAKeepersCountIsStoredUntilRead() throws Exception {
        URL base = server.base();
        String room = ChatClient.unique("mention");
        try (ChatClient phone = device("hana");
                ChatClient oldTab = Devices.connect(server, "hana", PASSWORD, "");
                ChatClient guest = ChatClient.open(base, ChatClient.unique("guest"))) {
            assertTrue(ChatClient.strings(phone.welcome(), "features").contains("mention"));
            phone.await("kept");
            phone.join(room);
            oldTab.join(room);
            guest.join(room);

            JsonObject message = guest.post(room, "@Hana and @nobody, see hana@example.com");
            long seq = message.getJsonNumber("seq").longValue();
            String sender = guest.user();
            for (ChatClient each : List.of(phone, oldTab)) {
                JsonObject mention = each.await("mention");
                assertEquals(
                        ChatClient.parse("{\"type\":\"mention\",\"room\":\"" + room + "\",\"seq\":" + seq
                                + ",\"from\":\"" + sender + "\"}"),
                        mention);
                assertTrue(each.sync().stream().noneMatch(frame -> "mention".equals(frame.getString("type"))));
            }
            assertTrue(guest.sync().stream().noneMatch(frame -> "mention".equals(frame.getString("type"))));
            guest.post(room, "no one");

            try (ChatClient laptop = device("hana")) {
                JsonObject kept = MembershipIT.keptRoom(laptop.await("kept"), room);
                assertEquals(2, kept.getJsonNumber("unread").longValue(), kept::toString);
                assertEquals(1, kept.getJsonNumber("mentions").longValue(), kept::toString);

                laptop.command("read", "room", room, "seq", seq - 1);
                JsonObject before = laptop.await("read");
                assertEquals(1, before.getJsonNumber("mentions").longValue(), before::toString);
                laptop.command("read", "room", room, "seq", seq);
                JsonObject read = laptop.await("read");
                assertEquals(1, read.getJsonNumber("unread").longValue(), read::toString);
                assertFalse(read.containsKey("mentions"), "none left: absent; " + read);
            }
        }
    }

    @Test
    void anOfflineKeepersMentionsAreCountedAndSurviveASigkill() throws Exception {
        URL base = server.base();
        String room = ChatClient.unique("offline");
        try (ChatClient ivan = device("ivan");
                ChatClient jo = device("jo")) {
            ivan.await("kept");
            jo.await("kept");
            ivan.join(room);
            jo.join(room);
        }
        try (ChatClient guest = ChatClient.open(base, ChatClient.unique("guest"))) {
            guest.join(room);
            guest.post(room, "@ivan are you there?");
            guest.post(room, "@room meeting at noon");
            guest.post(room, "@IVAN?");
        }
        server.process().kill();
        server.process().start();
        try (ChatClient ivan = device("ivan");
                ChatClient jo = device("jo")) {
            JsonObject ivans = MembershipIT.keptRoom(ivan.await("kept"), room);
            assertEquals(3, ivans.getJsonNumber("mentions").longValue(), ivans::toString);
            JsonObject jos = MembershipIT.keptRoom(jo.await("kept"), room);
            assertEquals(1, jos.getJsonNumber("mentions").longValue(), jos::toString);
        }
    }

    /**
     * The page of a logged-in user: "Notify me of mentions" asks the browser on a click; a mention in a room not in
     * front raises a badge beside the unread count; with the tab hidden it raises a desktop notification (headless
     * Chromium shows it: its {@code show} event fires); opening the room clears the badge and highlights the
     * messages that mention the user.
     */
    @Test
    void aMentionRaisesTheBadgeHighlightsTheMessageAndNotifiesWhileTheTabIsHidden() throws Exception {
        String room = ChatClient.unique("page");
        URI origin = server.process().httpUri();
        try (ChatPage page = Devices.logIn(ChatPage.start().recordingNotifications(), server, "hana", PASSWORD);
                ChatClient guest = ChatClient.open(server.base(), ChatClient.unique("guest"))) {
            assertEquals("default", page.script("return Notification.permission;"));
            WebElement ask = page.find("#notify-ask").get(0);
            assertTrue(ask.isDisplayed(), "the page offers to notify, and asks nothing on load");
            page.allowNotifications(origin);
            ask.click();
            page.waitFor(
                    "the offer gone once allowed",
                    p -> p.find("#notify-ask").get(0).isDisplayed() ? null : true);

            page.joinWithForm(room).joinWithForm(ChatClient.unique("quiet")); // the other room in front
            guest.join(room);
            guest.post(room, "hello @hana");
            page.waitMentions("room", room, "@1").waitUnread("room", room, "1");
            assertTrue(page.notifications().isEmpty(), "the tab is in front: no notification");

            page.toBackground(origin.resolve("favicon.svg"));
            guest.post(room, "@hana, still there?");
            Map<String, Object> shown = page.waitFor(
                    "a notification shown",
                    p -> p.notifications().stream()
                            .filter(n -> Boolean.TRUE.equals(n.get("shown")))
                            .findFirst()
                            .orElse(null));
            assertEquals(guest.user() + " mentioned you in #" + room, shown.get("title"));
            assertEquals("@hana, still there?", shown.get("body"));
            assertEquals(1, page.notifications().size());

            page.toFront().waitMentions("room", room, "@2").waitUnread("room", room, "2");
            page.openRoom(room).waitMessage("@hana, still there?");
            page.waitMentions("room", room, "");
            assertEquals(
                    List.of("hello @hana", "@hana, still there?"),
                    page.find(".msg.mention .text").stream()
                            .map(WebElement::getText)
                            .toList());
        }
    }

    private static ChatClient device(String user) throws Exception {
        return Devices.connect(server, user, PASSWORD, "membership=1");
    }
}
