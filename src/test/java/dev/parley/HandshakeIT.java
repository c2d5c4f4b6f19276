package dev.parley;

import static dev.parley.ProtocolIT.assertError;
import static dev.parley.testing.ChatClient.chatUri;
import static dev.parley.testing.ChatClient.encode;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.RawWebSocket;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The connection's life: who may connect under which name, the refusal sequence (upgrade, one {@code error},
 * then the close code), taking a guest name over with the resume token, and the inbound frame limit.
 */
class HandshakeIT extends DeployedParley {

    @Test
    void anInvalidNameIsRefusedWithNameInvalidThenClose4002() {
        for (String query : List.of(
                "name=" + encode("bad name!"),
                "name=",
                "",
                "name=" + "n".repeat(33),
                "name=" + encode("caf\u00e9"),
                "name=" + encode("semi;colon"))) {
            try (ChatClient client = ChatClient.connect(chatUri(base, query))) {
                JsonObject error = client.next();
                assertError(error, "name_invalid", null);
                assertEquals(4002, client.awaitClose(), query);
            }
        }
    }

    @Test
    void aNameHeldByAConnectedGuestIsRefusedWithNameTakenThenClose4003() {
        String name = unique("alice");
        try (ChatClient alice = ChatClient.open(base, name)) {
            for (String query :
                    List.of("name=" + name, "name=" + name.toUpperCase(), "name=" + name + "&resume=not-the-token")) {
                try (ChatClient impostor = ChatClient.connect(chatUri(base, query))) {
                    assertError(impostor.next(), "name_taken", null);
                    assertEquals(4003, impostor.awaitClose(), query);
                }
            }
            assertTrue(alice.sync().isEmpty(), "the holder of the name was disturbed");
            assertFalse(alice.isClosed());
        }
    }

    @Test
    void theResumeTokenTakesTheNameOverAndTheOldConnectionIsClosedWith4011() {
        String name = unique("alice");
        String room = unique("resume");
        try (ChatClient old = ChatClient.open(base, name)) {
            old.join(room);
            String token = old.welcome().getString("resume");
            try (ChatClient taking = ChatClient.resume(base, name, token)) {
                assertEquals(name, taking.user());
                assertEquals(4011, old.awaitClose());
                assertFalse(taking.welcome().getString("resume", "").isBlank());
                assertEquals(room, taking.join(room).getString("room"), "the new connection works");
            }
        }
    }

    @Test
    void aNameFreedByADisconnectCanBeTakenWithoutAToken() {
        String name = unique("alice");
        try (ChatClient first = ChatClient.open(base, name)) {
            assertEquals(name, first.user());
        }
        try (ChatClient second = ChatClient.open(base, name)) {
            assertEquals(name, second.user());
        }
    }

    @Test
    void aFrameOver64KiBClosesItsConnectionWith1009AndOthersCarryOn() {
        String room = unique("big");
        try (ChatClient bystander = ChatClient.open(base, unique("bob"));
                ChatClient sender = ChatClient.open(base, unique("eve"))) {
            bystander.join(room);
            sender.join(room);

            String justUnder = padded(ChatClient.json("type", "history", "room", room, "after", 0, "pad", ""), 65_000);
            sender.send(justUnder);
            assertEquals(
                    "history",
                    sender.await("history").getString("type"),
                    "a frame of 65,000 bytes is within the limit");

            String over = ChatClient.json("type", "say", "room", room, "text", "x".repeat(70_000));
            sender.send(over);
            assertEquals(1009, sender.awaitClose());

            String ref = ChatClient.ref();
            bystander.say(room, "still here", ref);
            List<JsonObject> seen = bystander.until(frame -> ref.equals(frame.getString("ref", null)), "own message");
            assertEquals("message", seen.get(seen.size() - 1).getString("type"), seen::toString);
            assertEquals(1, ChatClient.seqs(seen).size(), "the oversized frame was posted: " + seen);
        }
    }

    /** 20,000 emoji are 40,000 UTF-16 chars but 80,000 bytes: the limit counts bytes. */
    @Test
    void theFrameLimitCountsBytesNotChars() {
        String emoji = new String(Character.toChars(0x1F600));
        try (ChatClient sender = ChatClient.open(base, unique("eve"))) {
            String frame = ChatClient.json("type", "whisper", "to", sender.user(), "text", emoji.repeat(20_000));
            assertTrue(frame.getBytes(StandardCharsets.UTF_8).length > 65_536 && frame.length() < 65_536);
            sender.send(frame);
            assertEquals(1009, sender.awaitClose());
        }
    }

    @Test
    void aForeignOriginIsRefusedWithOriginRefusedThenClose4005() {
        String name = unique("alice");
        try (ChatClient client =
                ChatClient.connect(chatUri(base, "name=" + name), Map.of("Origin", "http://evil.example"))) {
            assertError(client.next(), "origin_refused", null);
            assertEquals(4005, client.awaitClose());
        }
    }

    /**
     * DNS rebinding: a page at http://attacker.example:PORT whose name the attacker then points at this server's
     * address. The browser sends the attacker's name as the Origin and as the Host, so they agree; the server, with
     * no {@code parley.allowed-origins} set, still refuses it.
     */
    @Test
    void aPageWhoseNameWasReboundToThisServerIsRefusedByDefault() {
        String rebound = "attacker.example:" + base.getPort();
        try (RawWebSocket page = RawWebSocket.connect(
                base, "name=" + unique("alice"), 65536, Map.of("Host", rebound, "Origin", "http://" + rebound))) {
            RawWebSocket.Ending ending = page.readToEnd();
            assertEquals(4005, ending.closeCode(), ending::toString);
            assertEquals(1, ending.texts().size(), ending::toString);
            assertError(ChatClient.parse(ending.texts().get(0)), "origin_refused", null);
        }
    }

    @Test
    void thePagesOwnOriginIsAccepted() {
        String origin = base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
        String name = unique("alice");
        try (ChatClient client = ChatClient.connect(chatUri(base, "name=" + name), Map.of("Origin", origin))) {
            JsonObject welcome = client.next();
            assertEquals("welcome", welcome.getString("type"), welcome::toString);
            assertEquals(name, welcome.getString("user"));
        }
    }

    private static String padded(String json, int bytes) {
        int missing = bytes - json.getBytes(StandardCharsets.UTF_8).length;
        String frame = json.replace("\"pad\":\"\"", "\"pad\":\"" + "p".repeat(missing) + "\"");
        assertEquals(bytes, frame.getBytes(StandardCharsets.UTF_8).length);
        return frame;
    }
}
