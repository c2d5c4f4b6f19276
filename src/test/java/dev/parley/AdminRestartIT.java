package dev.parley;

import static dev.parley.testing.ChatClient.chatUri;
import static dev.parley.testing.ChatClient.json;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.Poll;
import dev.parley.testing.ServerProcess;
import jakarta.json.JsonValue;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moderation is stored: a permanent ban, a mute and a closed room hold after the server is killed and started
 * again, and a timed ban that ran out while the server was down is ended at startup by its re-armed timer. Not an
 * Arquillian test: it restarts its own WildFly (with the realm users RealmUsers created in the unpacked server).
 */
class AdminRestartIT {

    static ServerProcess server;

    @BeforeAll
    static void startServer() {
        assumeTrue(
                "wildfly".equals(System.getProperty("parley.it.server", "wildfly")),
                "the admin users of this test are WildFly's add-user.sh users");
        server = ServerProcess.prepare("admin-restart");
        server.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void bansMutesAndClosedRoomsSurviveARestart() throws Exception {
        URL base = server.httpUri().toURL();
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

        server.kill();
        server.start();

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
        }
        Poll.until(
                Duration.ofSeconds(15),
                () -> admin.array(admin.get("bans")).stream()
                        .map(JsonValue::asJsonObject)
                        .noneMatch(ban -> brief.equals(ban.getString("subject"))),
                "the expired ban's re-armed timer ended it");
        try (ChatClient back = ChatClient.open(base, brief)) {
            assertEquals(brief, back.user());
        }
        assertTrue(
                admin.array(admin.get("bans")).stream()
                        .map(JsonValue::asJsonObject)
                        .anyMatch(ban -> banned.equals(ban.getString("subject"))),
                "the permanent ban is listed");
    }
}
