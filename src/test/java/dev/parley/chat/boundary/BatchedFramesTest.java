package dev.parley.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code batch} extension through the real endpoint, handshake configurator and a real client in embedded Tyrus:
 * asked for with {@code batch=1}, arrays of what queued while the writer lingered; not asked for, one event per frame.
 */
class BatchedFramesTest {

    EmbeddedChat chat;

    @BeforeEach
    void start() throws Exception {
        chat = new EmbeddedChat(Map.of("parley.outbox.linger-ms", "20"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    /**
     * The fixture's one timer thread runs every lingering writer: held busy, it keeps the reader's writer waiting while
     * three messages queue, so the three must leave in one array once it is let go, whatever the machine's speed.
     */
    @Test
    void aClientThatAskedGetsWhatQueuedWhileItsWriterLingeredAsOneArray() throws InterruptedException {
        try (ChatClient reader =
                        ChatClient.welcomed(ChatClient.connect(ChatClient.chatUri(chat.base, "name=reader&batch=1")));
                ChatClient poster = ChatClient.open(chat.base, "poster")) {
            assertTrue(ChatClient.strings(reader.welcome(), "features").contains("batch"), reader.welcome()::toString);
            assertTrue(ChatClient.strings(poster.welcome(), "features").contains("batch"), "announced to every client");
            reader.join("general");
            poster.join("general");
            reader.await("presence");

            CountDownLatch timerHeld = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            ChatEndpointProvider.fixture.scheduler.execute(() -> {
                timerHeld.countDown();
                await(letGo);
            });
            assertTrue(timerHeld.await(ChatClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            for (String ref : List.of("r1", "r2", "r3")) {
                poster.say("general", "message " + ref, ref);
            }
            for (String ref : List.of("r1", "r2", "r3")) {
                poster.awaitOwn(ref); // by then the room has queued it to the reader too
            }
            letGo.countDown();

            List<JsonObject> seen = reader.until(frame -> frame.getInt("seq", 0) == 3, "message 3");
            assertEquals(List.of(1L, 2L, 3L), ChatClient.seqs(seen));
            assertEquals(1, reader.arrayFrames(), "the three messages came in one frame: " + seen);
            assertEquals(0, poster.arrayFrames(), "a client that did not ask gets one event per frame");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(ChatClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
