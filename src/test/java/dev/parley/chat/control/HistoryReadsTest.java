package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import dev.parley.settings.Settings;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code history} through {@link Rooms#history} and {@link HistoryReads}: read off the caller's thread, bounded in
 * threads, queue, time and reply size, answered in the connection's turn.
 */
class HistoryReadsTest {

    static final String QUOTES = "\"".repeat(4000);

    ChatFixture chat;
    Rooms cut;

    @AfterEach
    void stop() throws InterruptedException {
        if (chat != null) {
            CountDownLatch reads = chat.archive.readsOpen;
            if (reads != null) {
                reads.countDown();
            }
            chat.close();
        }
    }

    private void start(Map<String, String> settings) {
        chat = new ChatFixture(settings);
        cut = chat.rooms;
    }

    /** A guest in {@code room} whose commands run in turn, as the endpoint runs them, with its joined read. */
    private Connection member(String name, RecordingSink sink, String room) {
        Connection connection = chat.runsCommands(chat.guest(name, sink));
        connection.run(new Command.Join(room));
        sink.next("joined");
        return connection;
    }

    private static Command.History after(String room, long seq) {
        return new Command.History(room, null, seq, 200);
    }

    @Test
    void theCallerReturnsWhileTheReadWaitsAndTheConnectionsLaterCommandsKeepTheirOrder() {
        start(Map.of());
        RecordingSink aliceSink = new RecordingSink();
        RecordingSink bobSink = new RecordingSink();
        Connection alice = member("alice", aliceSink, "lobby");
        Connection bob = member("bob", bobSink, "other");
        cut.post(alice, new Command.Say("lobby", "stored", null));
        aliceSink.next("message");
        chat.archive.readsOpen = new CountDownLatch(1);

        alice.run(after("lobby", 0));
        alice.run(new Command.Say("lobby", "after the history", "r1"));
        alice.run(new Command.History("lobby", 100L, null, null));

        assertEquals(List.of(), aliceSink.drain(), "nothing answered while the page is read");
        bob.run(new Command.Say("other", "others go on", null));
        assertEquals("others go on", bobSink.next("message").getString("text"));
        chat.archive.readsOpen.countDown();
        assertEquals(1, aliceSink.next("history").getJsonArray("messages").size());
        assertEquals("r1", aliceSink.next("message").getString("ref"), "the say waited for the history");
        assertEquals(2, aliceSink.next("history").getJsonArray("messages").size());
    }

    @Test
    void aReadStuckPastTheDeadlineIsRefusedWithInternalAndTheConnectionGoesOn() {
        start(Map.of("parley.history.timeout-ms", "200", "parley.history.threads", "1"));
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = member("alice", aliceSink, "lobby");
        chat.archive.readsOpen = new CountDownLatch(1);

        alice.run(after("lobby", 0));
        alice.run(new Command.Say("lobby", "after the history", "r1"));

        JsonObject error = aliceSink.next("error");
        assertAll(
                () -> assertEquals("internal", error.getString("code")),
                () -> assertEquals("history", error.getString("for")),
                () -> assertEquals("lobby", error.getString("room")));
        assertEquals("r1", aliceSink.next("message").getString("ref"), "the say ran at the deadline");
        chat.archive.readsOpen.countDown();
        alice.run(after("lobby", 0));
        JsonObject page = aliceSink.next("history");
        assertEquals(1, page.getJsonArray("messages").size());
        assertEquals(List.of(), aliceSink.drain(), "the late read was not sent as well");
    }

    @Test
    void aQueryFindingTheQueueFullIsRefusedAtOnceWithRateLimited() {
        start(Map.of("parley.history.threads", "1", "parley.history.max-queued", "1"));
        RecordingSink aliceSink = new RecordingSink();
        RecordingSink bobSink = new RecordingSink();
        RecordingSink carolSink = new RecordingSink();
        Connection alice = member("alice", aliceSink, "lobby");
        Connection bob = member("bob", bobSink, "lobby");
        Connection carol = member("carol", carolSink, "lobby");
        aliceSink.drain();
        bobSink.drain();
        chat.archive.readsOpen = new CountDownLatch(1);

        alice.run(after("lobby", 0)); // reading
        bob.run(after("lobby", 0)); // waiting for the one thread
        carol.run(after("lobby", 0));

        JsonObject refused = carolSink.next("error");
        assertAll(
                () -> assertEquals("rate_limited", refused.getString("code")),
                () -> assertEquals("history", refused.getString("for")),
                () -> assertTrue(refused.getString("message").contains("history"), refused::toString));
        chat.archive.readsOpen.countDown();
        aliceSink.next("history");
        bobSink.next("history");
        carol.run(after("lobby", 0));
        carolSink.next("history");
    }

    @Test
    void aPageOfMaximumQuoteHeavyMessagesComesInRepliesUnderTheBoundWithMore() {
        start(Map.of());
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = member("alice", aliceSink, "lobby");
        for (int i = 0; i < 200; i++) {
            cut.post(alice, new Command.Say("lobby", QUOTES, null));
        }
        aliceSink.drain();
        long bound = HistoryLimits.from(Settings.of(Map.of())).replyBound(chat.limits.outboxMaxBytes());

        List<Long> seqs = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        boolean more = true;
        while (more && !aliceSink.closed.isDone() && sizes.size() < 200) {
            alice.run(after("lobby", seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1)));
            String frame = aliceSink.nextText();
            sizes.add(frame.length());
            JsonObject page = Json.createReader(new StringReader(frame)).readObject();
            assertEquals("history", page.getString("type"), frame.length() < 300 ? frame : page.getString("type"));
            page.getJsonArray("messages")
                    .getValuesAs(JsonObject.class)
                    .forEach(message -> seqs.add(message.getJsonNumber("seq").longValue()));
            more = page.getBoolean("more");
        }

        alice.run(new Command.History("lobby", 201L, null, 200));
        JsonObject newest = aliceSink.next("history");
        List<JsonObject> newestItems = newest.getJsonArray("messages").getValuesAs(JsonObject.class);
        assertAll(
                () -> assertFalse(aliceSink.closed.isDone(), "closed: " + aliceSink.closed.getNow(null)),
                () -> assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), seqs),
                () -> assertTrue(sizes.size() > 1, "one reply of " + sizes),
                () -> assertTrue(sizes.stream().allMatch(size -> size <= bound), sizes + " over " + bound),
                () -> assertTrue(newest.getBoolean("more")),
                () -> assertEquals(
                        200, newestItems.get(newestItems.size() - 1).getInt("seq"), "before keeps the newest"));
    }

    @Test
    void aReplyBoundOverHalfTheOutboxIsLoweredToHalf() {
        HistoryLimits asked = HistoryLimits.from(Settings.of(Map.of("parley.history.max-reply-bytes", "900000")));

        assertEquals(524288, asked.replyBound(1L << 20));
        assertEquals(900000, asked.replyBound(4L << 20));
    }
}
