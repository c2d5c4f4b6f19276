package dev.parley.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mention and conversations extensions through the real endpoint and codecs in an embedded Tyrus server, with
 * real clients.
 */
class ExtensionsWebSocketTest {

    EmbeddedChat chat;

    @BeforeEach
    void start() throws Exception {
        chat = new EmbeddedChat(Map.of());
    }

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void aMentionedMemberGetsTheMessageThenOneMentionBatchedOrNotAndTheOthersNone() {
        try (ChatClient alice = ChatClient.open(chat.base, "alice");
                ChatClient bob =
                        ChatClient.welcomed(ChatClient.connect(ChatClient.chatUri(chat.base, "name=Bob&batch=1")));
                ChatClient carol = ChatClient.open(chat.base, "carol")) {
            assertTrue(ChatClient.strings(alice.welcome(), "features").contains("mention"));
            for (ChatClient each : List.of(alice, bob, carol)) {
                each.join("general");
            }

            alice.say("general", "@bob, see bob@example.com", "m1");
            JsonObject own = alice.awaitOwn("m1");

            List<JsonObject> bobs = bob.until(frame -> "mention".equals(frame.getString("type")), "bob's mention");
            JsonObject message = bobs.get(bobs.size() - 2);
            assertEquals("message", message.getString("type"));
            JsonObject mention = bobs.get(bobs.size() - 1);
            assertEquals(
                    ChatClient.parse("{\"type\":\"mention\",\"room\":\"general\",\"seq\":" + own.getInt("seq")
                            + ",\"from\":\"alice\"}"),
                    mention);
            assertEquals(List.of(), types(bob.sync()), "once");
            carol.await("message");
            assertEquals(List.of(), types(carol.sync()), "carol is not mentioned");
            assertEquals(List.of(), types(alice.sync()), "nor is the sender");
        }
    }

    /**
     * The conversation commands through the real endpoint and codecs: a guest, who cannot hold conversations, is told
     * so with each one's code, and its connection goes on.
     */
    @Test
    void aGuestsConversationCommandsAreRefusedWithTheirCodes() {
        try (ChatClient guest = ChatClient.open(chat.base, "visitor")) {
            assertTrue(ChatClient.strings(guest.welcome(), "features").contains("conversations"));
            guest.command("direct", "to", "bob");
            assertEquals("unauthorized", guest.await("error").getString("code"));
            guest.command("create", "title", "plans");
            assertEquals("unauthorized", guest.await("error").getString("code"));
            guest.command("invite", "room", "~k3v9x0q2m7c4b8wz", "user", "bob");
            assertEquals("not_member", guest.await("error").getString("code"));
            guest.command("join", "room", "~k3v9x0q2m7c4b8wz");
            assertEquals("room_invalid", guest.await("error").getString("code"));
            guest.join("general");
        }
    }

    private static List<String> types(List<JsonObject> frames) {
        return frames.stream().map(frame -> frame.getString("type")).toList();
    }
}
