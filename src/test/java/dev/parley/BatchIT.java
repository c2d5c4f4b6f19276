package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.Browsers;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ChatPage;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.RawWebSocket;
import dev.parley.testing.ServerMetrics;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code batch} extension on the real server: a member that asked for batched frames and fell behind gets its
 * backlog in arrays, every message once and in order, while a v1 member of the same room gets one event per frame;
 * the chat page (which asks for them) shows such a backlog in Chromium. Not on Payara Micro: Grizzly completes a
 * send once it has queued it (servers.md trap 27), so frames wait there, never in Parley's outbox.
 */
class BatchIT extends DeployedParley {

    private final Browsers browsers = new Browsers();

    @AfterEach
    void quitBrowsers() {
        browsers.close();
    }

    /** 3,990 emoji: a 16 KB frame of about 8,000 chars. */
    static final String BULK = new String(Character.toChars(0x1F600)).repeat(3990);
    /** Queued to the slow member before it reads again: several frames behind the one in flight. */
    static final long BACKLOG_CHARS = 8L * BULK.length();

    static final int MESSAGE_CAP = 1500;

    /**
     * The slow member is a raw socket with a small receive buffer that stops reading once it has joined; posters
     * post 16 KB messages until the server's outbound gauge shows frames waiting (awaited, since how much the
     * sockets buffer differs per server). Only then does it read: what waited must come as arrays.
     */
    @Test
    void aMemberThatFellBehindGetsItsBacklogInArraysAndAV1MemberInSingleFrames() {
        String room = unique("batch");
        try (RawWebSocket slow = RawWebSocket.connect(base, "name=" + unique("slow") + "&batch=1", 4096);
                ChatClient v1 = ChatClient.open(base, unique("v1"))) {
            assertTrue(slow.readUntil("\"welcome\"").text().contains("\"batch\""), "batch is announced");
            slow.sendText(ChatClient.json("type", "join", "room", room));
            slow.readUntil("\"joined\"");
            v1.join(room);

            List<JsonObject> posted = new ArrayList<>();
            while (queuedChars() < BACKLOG_CHARS) {
                if (posted.size() >= MESSAGE_CAP) {
                    fail("after " + posted.size() + " messages of 16 KB the server queued only " + queuedChars()
                            + " chars");
                }
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < ChatClient.SAY_BUDGET; i++) {
                    texts.add("#" + (posted.size() + i + 1) + " " + BULK);
                }
                posted.addAll(ChatClient.postAll(base, room, texts));
                long last = posted.get(posted.size() - 1).getJsonNumber("seq").longValue();
                // the v1 member has everything so far: what stays queued is the slow member's
                v1.await(
                        frame -> frame.getJsonNumber("seq") != null
                                && frame.getJsonNumber("seq").longValue() == last,
                        "message " + last);
            }

            long last = posted.get(posted.size() - 1).getJsonNumber("seq").longValue();
            List<JsonObject> messages = new ArrayList<>();
            int arrays = 0;
            while (messages.isEmpty()
                    || messages.get(messages.size() - 1).getJsonNumber("seq").longValue() < last) {
                RawWebSocket.Frame frame = slow.read();
                assertEquals(RawWebSocket.OP_TEXT, frame.opcode(), "a frame of the backlog: " + frame.opcode());
                String text = frame.text();
                List<JsonObject> events =
                        text.startsWith("[") ? ChatClient.parseArray(text) : List.of(ChatClient.parse(text));
                arrays += text.startsWith("[") ? 1 : 0;
                events.stream()
                        .filter(event -> "message".equals(event.getString("type")))
                        .forEach(messages::add);
            }
            assertEquals(ChatClient.seqs(posted), ChatClient.seqs(messages), "the slow member's messages");
            assertTrue(arrays > 0, "a backlog of " + BACKLOG_CHARS + " chars came without one array");
            assertEquals(0, v1.arrayFrames(), "the v1 member got an array");
            assertEquals(room, v1.post(room, "still here").getString("room"));
        }
    }

    /**
     * The page asks for batched frames. Its script is kept busy (a loop that asks the server's metrics until frames
     * wait for the page) while 16 KB messages come, so the server must send the backlog as arrays once the page runs
     * again; the page shows every message once, in order.
     */
    @Test
    void aPageThatWasBusyGetsItsBacklogAsArraysAndShowsEachMessageOnce() {
        String room = unique("busy");
        ChatPage page = browsers.inRoom(base, room, unique("dana"));
        CompletableFuture<Object> busy = CompletableFuture.supplyAsync(() -> page.script("""
                const deadline = Date.now() + arguments[1];
                while (Date.now() < deadline) {
                    const metrics = new XMLHttpRequest();
                    metrics.open('GET', '/api/metrics', false);
                    metrics.send();
                    const queued = /^parley_outbound_queued_chars (\\S+)$/m.exec(metrics.responseText);
                    if (queued && Number(queued[1]) >= arguments[0]) {
                        return true;
                    }
                }
                return false;
                """, BACKLOG_CHARS, 20_000));
        List<String> posted = new ArrayList<>();
        while (!busy.isDone() && posted.size() < MESSAGE_CAP) {
            List<String> texts = IntStream.range(posted.size(), posted.size() + ChatClient.SAY_BUDGET)
                    .mapToObj(i -> "#" + (i + 1) + " " + BULK)
                    .toList();
            ChatClient.postAll(base, room, texts);
            posted.addAll(texts);
        }
        assertEquals(true, busy.join(), "frames never waited for the busy page after " + posted.size() + " messages");

        page.waitSeqs(LongStream.rangeClosed(1, posted.size())
                .mapToObj(Long::toString)
                .toList());
        assertEquals(posted, page.messages().stream().map(ChatPage.Shown::text).toList());
        assertEquals("open", page.connectionState(), page::connectionText);
    }

    private long queuedChars() {
        return ServerMetrics.value(base, "parley_outbound_queued_chars");
    }
}
