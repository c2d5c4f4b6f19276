package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.ChatClient;
import dev.parley.testing.OwnServer;
import dev.parley.testing.RawWebSocket;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's one budget of unsent chars across all connections, on a server of its own whose budget is small and
 * whose per-connection bounds are far above it, so that only the budget can close anyone.
 */
class OutboundBudgetIT {

    static final int STUCK_MEMBERS = 3;
    /**
     * Far above one join's snapshot (50 recent messages of 16 KB, ~800 K chars): a poster joining holds that much for
     * a moment, and under a smaller budget it could be the longest queue when the budget is passed.
     */
    static final long TOTAL_CHARS = 4_000_000;

    static final int MESSAGE_CAP = 3000;

    @RegisterExtension
    static final OwnServer server = OwnServer.forOneAddress(
            "budget",
            "-Dparley.outbound.total-chars=" + TOTAL_CHARS,
            "-Dparley.outbox.max-bytes=1000000000",
            "-Dparley.outbox.max-frames=1000000",
            "-Dparley.presence.grace-ms=300");

    /**
     * Three members on raw sockets with small receive buffers join a room and never read again; posters push 16 KB
     * messages until the server has dropped all three (their presence {@code left}). Each of them then finds close
     * code 4008 at the end of what it was sent, the server says in its log that the budget closed them, and a member
     * that reads all along is still connected with every message in order.
     */
    @Test
    void membersThatStopReadingAreClosedWith4008WhileAReaderKeepsReceiving() {
        String room = unique("budget");
        String bulk = new String(Character.toChars(0x1F600)).repeat(3990);
        List<RawWebSocket> stuck = new ArrayList<>();
        Set<String> stuckNames = new HashSet<>();
        try (ChatClient reader = ChatClient.open(server.base(), unique("reader"))) {
            reader.join(room);
            for (int i = 0; i < STUCK_MEMBERS; i++) {
                String name = unique("stuck");
                RawWebSocket member = RawWebSocket.connect(server.base(), "name=" + name, 4096);
                stuck.add(member);
                stuckNames.add(name);
                member.readUntil("\"welcome\"");
                member.sendText(ChatClient.json("type", "join", "room", room));
                member.readUntil("\"joined\"");
            }

            List<JsonObject> seen = new ArrayList<>();
            List<JsonObject> posted = new ArrayList<>();
            Set<String> left = new HashSet<>();
            while (!left.containsAll(stuckNames)) {
                if (posted.size() >= MESSAGE_CAP) {
                    fail("after " + posted.size() + " messages of 16 KB only " + left + " of " + stuckNames
                            + " were dropped");
                }
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < ChatClient.SAY_BUDGET; i++) {
                    texts.add("#" + (posted.size() + i + 1) + " " + bulk);
                }
                posted.addAll(ChatClient.postAll(server.base(), room, texts));
                List<JsonObject> frames = reader.drain();
                seen.addAll(frames);
                frames.stream()
                        .filter(frame -> "presence".equals(frame.getString("type")))
                        .forEach(frame -> left.addAll(ChatClient.strings(frame, "left")));
            }
            System.out.printf(
                    "OutboundBudgetIT: %d stuck members dropped after %d messages%n", STUCK_MEMBERS, posted.size());

            for (RawWebSocket member : stuck) {
                RawWebSocket.Ending ending = member.readToEnd();
                assertTrue(ending.endedByServer(), "a stuck member was left open: " + ending);
                assertEquals(4008, ending.closeCode(), "a stuck member's ending: " + ending);
            }
            assertTrue(
                    server.process().consoleOutput().contains("parley.outbound.total-chars=" + TOTAL_CHARS + " passed"),
                    "the server did not say that its outbound budget closed connections");

            assertFalse(reader.isClosed(), "the member that reads was closed");
            List<JsonObject> messages = seen.stream()
                    .filter(frame -> "message".equals(frame.getString("type")))
                    .collect(Collectors.toList());
            while (messages.size() < posted.size()) {
                messages.add(reader.await("message"));
            }
            assertEquals(ChatClient.seqs(posted), ChatClient.seqs(messages), "the reader's messages");
            assertEquals(room, reader.post(room, "still here").getString("room"));
        } finally {
            stuck.forEach(RawWebSocket::close);
        }
    }
}
