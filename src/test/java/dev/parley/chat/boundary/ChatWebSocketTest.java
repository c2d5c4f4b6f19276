package dev.parley.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real endpoint, handshake configurator and codecs in an embedded Tyrus server, with real clients. */
class ChatWebSocketTest {

    static final int STRIKES = 10;

    EmbeddedChat chat;
    URL base;

    @BeforeEach
    void start() throws Exception {
        chat = new EmbeddedChat(Map.of(
                "parley.rate.commands-burst", "5",
                "parley.rate.commands-per-second", "1",
                "parley.rate.strikes-before-close", String.valueOf(STRIKES),
                "parley.rate.strike-window-s", "60"));
        base = chat.base;
    }

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
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

    /** The files extension's bounds come with the welcome, so that no client hard-codes them. */
    @Test
    void theWelcomeAnnouncesTheFilesBounds() throws Exception {
        chat.close();
        chat = new EmbeddedChat(Map.of(
                "parley.files.max-per-message", "3",
                "parley.files.max-bytes", "2048",
                "parley.files.uploads-at-once-per-user", "1"));
        try (ChatClient alice = ChatClient.open(chat.base, "alice")) {
            JsonObject welcome = alice.welcome();
            assertTrue(ChatClient.strings(welcome, "features").contains("files"));
            assertEquals(3, welcome.getJsonObject("files").getInt("maxPerMessage"), welcome.toString());
            assertEquals(
                    2048,
                    welcome.getJsonObject("files").getJsonNumber("maxBytes").longValueExact());
            assertEquals(1, welcome.getJsonObject("files").getInt("uploadsAtOncePerUser"));
        }
    }

    @Test
    void theProtocolExampleRunsEndToEnd() {
        try (ChatClient alice = ChatClient.open(base, "alice");
                ChatClient bob = ChatClient.open(base, "bob")) {
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
        try (ChatClient client =
                ChatClient.connect(ChatClient.chatUri(base, "name=alice"), Map.of("Origin", "http://evil.example"))) {
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
            try (ChatClient second =
                    ChatClient.resume(base, "alice", first.welcome().getString("resume"))) {
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

    /** Found by {@link FuzzWebSocketTest}: an error that echoed a lone surrogate could not be sent as UTF-8. */
    @Test
    void anErrorEchoingALoneSurrogateStillReachesTheClient() {
        try (ChatClient alice = ChatClient.open(base, "alice")) {
            alice.send("{\"type\":\"typing\",\"room\":\"\\udc00q\"}");
            JsonObject error = alice.await("error");
            assertEquals("typing", error.getString("for"));
            assertEquals("\udc00q", error.getString("room"));
            alice.join("general");
        }
    }

    @Test
    void aFrameOverTheLimitClosesWith1009AndSparesTheNeighbours() {
        try (ChatClient alice = ChatClient.open(base, "alice");
                ChatClient bob = ChatClient.open(base, "bob")) {
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

    /**
     * A client that keeps sending over its rate is answered {@code rate_limited} up to the limit of strikes, the
     * last of them followed by close 4029 and nothing else; its neighbour in the same room chats on, and the close
     * is counted. Each probe (a {@code leave} of a room it is not in) is answered, accepted or refused, before the
     * next is sent, so that no send races the close.
     */
    @Test
    void aClientThatKeepsSendingOverItsRateIsClosedWith4029AndItsNeighbourChatsOn() {
        try (ChatClient flooder = ChatClient.open(base, "flooder");
                ChatClient bob = ChatClient.open(base, "bob")) {
            flooder.join("general");
            bob.join("general");
            int refused = 0;
            for (int sent = 0; refused < STRIKES; sent++) {
                assertTrue(sent < 10 * STRIKES, "only " + refused + " refusals after " + sent + " commands");
                flooder.command("leave", "room", "elsewhere");
                JsonObject reply = flooder.await("error");
                if ("rate_limited".equals(reply.getString("code"))) {
                    refused++;
                } else {
                    assertEquals("not_member", reply.getString("code"), reply::toString);
                }
            }
            assertEquals(
                    List.of(),
                    flooder.readToEnd().stream()
                            .filter(frame -> "error".equals(frame.getString("type")))
                            .toList(),
                    "answers after the last refusal");
            assertEquals(4029, flooder.awaitClose());

            assertEquals("still here", bob.post("general", "still here").getString("text"));
            assertEquals(1, ChatEndpointProvider.fixture.metrics.closes(4029));
        }
    }
}
