package dev.parley;

import static dev.parley.testing.ChatClient.chatUri;
import static dev.parley.testing.ChatClient.json;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Moderation is stored: a permanent ban, a mute and a closed room hold after the server is killed and started
 * again, and a timed ban that ran out while the server was down is ended at startup by its re-armed timer; a
 * deleted room stays deleted, with its messages, mutes and closed mark. Not an
 * Arquillian test: it restarts its own WildFly (with the realm users RealmUsers created in the unpacked server).
 * WildFly only (the payara and liberty profiles exclude it): the admin users are WildFly's add-user.sh users.
 */
class AdminRestartIT {

    @RegisterExtension
    static final OwnServer server = OwnServer.with("admin-restart");

    @Test
    void bansMutesAndClosedRoomsSurviveARestart() throws Exception {
        URL base = server.base();
        AdminApi admin = AdminApi.admin(base);
        String banned = unique("banned");
        String brief = unique("brief");
        String muted = unique("muted");
        String room = unique("kept");
        String closed = unique("shut");

        admin.ok(admin.post("rooms", json("room", room)));
        admin.ok(admin.post("rooms", json("room", closed)));
        admin.ok(admin.post("bans", json("user", banned, "seconds", 0, "reason", "for good")));
        admin.ok(admin.post("bans", json("user", brief, "seconds", 1)));
        admin.ok(admin.post("rooms/" + room + "/mutes", json("user", muted, "seconds", 3600)));
        admin.ok(admin.post("rooms/" + closed + "/close", json("reason", "gone")));
        String purged = unique("purged");
        try (ChatClient poster = ChatClient.open(base, unique("poster"))) {
            poster.join(purged);
            poster.post(purged, "deleted before the restart");
        }
        admin.ok(admin.post("rooms/" + purged + "/mutes", json("user", muted, "seconds", 3600)));
        admin.ok(admin.post("rooms/" + purged + "/close", json("reason", "to go")));
        admin.ok(admin.delete("rooms/" + purged));

        server.process().kill();
        server.process().start();

        try (ChatClient refused = ChatClient.connect(chatUri(base, "name=" + banned))) {
            refused.awaitError("banned");
            assertEquals(4004, refused.awaitClose());
        }
        try (ChatClient quiet = ChatClient.open(base, muted)) {
            quiet.join(room);
            quiet.say(room, "still muted?", ChatClient.ref());
            quiet.awaitError("muted");
            quiet.command("join", "room", closed);
            quiet.awaitError("room_closed");
            assertTrue(
                    admin.array(admin.get("rooms")).stream()
                            .map(JsonValue::asJsonObject)
                            .noneMatch(listed -> purged.equals(listed.getString("name"))),
                    "a deleted room is not read back at startup");
            JsonObject fresh = quiet.join(purged);
            assertEquals(0, fresh.getJsonArray("history").size(), "its messages are gone from the database");
            assertEquals(
                    1,
                    quiet.post(purged, "neither closed nor muted")
                            .getJsonNumber("seq")
                            .longValue());
        }
        Poll.until(
                Duration.ofSeconds(15),
                () -> admin.array(admin.get("bans")).stream()
                        .map(JsonValue::asJsonObject)
                        .noneMatch(ban -> ("g:" + brief).equals(ban.getString("subject"))),
                "the expired ban's re-armed timer ended it");
        try (ChatClient back = ChatClient.open(base, brief)) {
            assertEquals(brief, back.user());
        }
        assertTrue(
                admin.array(admin.get("bans")).stream()
                        .map(JsonValue::asJsonObject)
                        .anyMatch(ban -> ("g:" + banned).equals(ban.getString("subject"))),
                "the permanent ban is listed");
    }
}
