package dev.parley.chat.boundary;

import dev.parley.chat.control.ChatFixture;
import dev.parley.testing.ChatClient;
import jakarta.json.JsonObject;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real endpoint, handshake configurator and codecs in an embedded Tyrus server, with real clients. */
class ChatWebSocketTest {

    Server server;
    URL base;

    @BeforeEach
    void start() throws Exception {
        ChatEndpointProvider.fixture = new ChatFixture(Map.of(
                "parley.rate.commands-burst", "5",
                "parley.rate.commands-per-second", "1"));
        // -1: a free port (Tyrus reads 0 as its fixed default 8025, which parallel builds on one machine share)
        server = new Server("localhost", -1, "/", Map.of(), ChatEndpoint.class);
        server.start();
        base = new URL("http://localhost:" + server.getPort() + "/");
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.stop();
        ChatEndpointProvider.fixture.close();
    }

    @Test
    void theFirstFrameIsWelcome() {
        try (ChatClient alice = ChatClient.open(base, "alice")) {
            JsonObject welcome = alice.welcome();
            assertEquals(1, welcome.getInt("protocol"));
            assertEquals("alice", welcome.getString("user"));
            assertFalse(welcome.getString("resume").isEmpty());
            assertTrue(ChatClient.strings(welcome, "rooms").contains("general"));
        }
    }

    @Test
    void theProtocolExampleRunsEndToEnd() {
        try (ChatClient alice = ChatClient.open(base, "alice"); ChatClient bob = ChatClient.open(base, "bob")) {
            alice.join("general");
            bob.join("general");
            alice.say("general", "hello", "6f1c");
            JsonObject own = alice.awaitOwn("6f1c");
            assertEquals(1, own.getInt("seq"));
            JsonObject seen = bob.await("message");
            assertEquals("hello", seen.getString("text"));
            assertFalse(seen.containsKey("ref"));
            assertTrue(seen.getString("at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        }
    }

    @Test
    void anInvalidNameIsUpgradedToldAndClosedWith4002() {
        try (ChatClient client = ChatClient.connect(ChatClient.chatUri(base, "name=bad%20name"))) {
            JsonObject error = client.next();
            assertEquals("error", error.getString("type"));
            assertEquals("name_invalid", error.getString("code"));
            assertEquals(4002, client.awaitClose());
        }
    }

    @Test
    void aCrossSiteOriginIsRefusedWith4005() {
        try (ChatClient client = ChatClient.connect(ChatClient.chatUri(base, "name=alice"),
                Map.of("Origin", "http://evil.example"))) {
            assertEquals("origin_refused", client.next().getString("code"));
            assertEquals(4005, client.awaitClose());
        }
    }

    @Test
    void theResumeTokenTakesTheNameOver() {
        try (ChatClient first = ChatClient.open(base, "alice")) {
            try (ChatClient thief = ChatClient.connect(ChatClient.chatUri(base, "name=Alice"))) {
                assertEquals("name_taken", thief.next().getString("code"));
                assertEquals(4003, thief.awaitClose());
            }
            try (ChatClient second = ChatClient.resume(base, "alice", first.welcome().getString("resume"))) {
                assertEquals("alice", second.user());
                assertEquals(4011, first.awaitClose());
            }
        }
    }

    @Test
    void malformedFramesGetBadRequestAndTheConnectionLives() {
        try (ChatClient alice = ChatClient.open(base, "alice")) {
            alice.send("not json");
            assertEquals("bad_request", alice.awaitError("bad_request").getString("code"));
            alice.send("{\"type\":\"join\",\"room\":42}");
            JsonObject illTyped = alice.awaitError("bad_request");
            assertEquals("join", illTyped.getString("for"));
            alice.join("general");
        }
    }

    @Test
    void aFrameOverTheLimitClosesWith1009AndSparesTheNeighbours() {
        try (ChatClient alice = ChatClient.open(base, "alice"); ChatClient bob = ChatClient.open(base, "bob")) {
            bob.join("general");
            alice.send("{\"type\":\"say\",\"room\":\"general\",\"text\":\"" + "x".repeat(65_536) + "\"}");
            assertEquals(1009, alice.awaitClose());
            assertEquals("general", bob.leave("general").getString("room"));
        }
    }

    @Test
    void commandsOverTheRateAreRefused() {
        try (ChatClient alice = ChatClient.open(base, "alice")) {
            for (int i = 0; i < 8; i++) {
                alice.command("typing", "room", "general");
            }
            JsonObject limited = alice.awaitError("rate_limited");
            assertEquals("typing", limited.getString("for"));
        }
    }
}
