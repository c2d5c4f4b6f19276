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
        return member(name, null, sink, room);
    }

    /** The same, connected from {@code address} (null: unknown). */
    private Connection member(String name, String address, RecordingSink sink, String room) {
        Connection connection = chat.guest(name, sink);
        connection.address(address);
        chat.runsCommands(connection);
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

    /**
     * The replies one address is sent come out of one budget: once it is spent, the address's queries are refused
     * {@code rate_limited} whichever of its connections asks (each a strike: two close this connection with 4029,
     * as two refusals of its command rate would), while another address is answered.
     */
    @Test
    void anAddressThatWasSentItsBudgetOfHistoryIsRefusedFurtherQueriesWhileAnotherIsAnswered() {
        start(Map.of(
                "parley.history.chars-per-address-per-second", "1",
                "parley.history.chars-per-address-burst", "100",
                "parley.rate.strikes-before-close", "2"));
        RecordingSink aliceSink = new RecordingSink();
        RecordingSink bobSink = new RecordingSink();
        RecordingSink erinSink = new RecordingSink();
        Connection alice = member("alice", "127.0.0.1", aliceSink, "lobby");
        Connection bob = member("bob", "127.0.0.1", bobSink, "lobby");
        Connection erin = member("erin", "127.0.0.2", erinSink, "lobby");
        for (int i = 0; i < 5; i++) {
            cut.post(alice, new Command.Say("lobby", "x".repeat(100), null));
        }
        aliceSink.drain();
        bobSink.drain();
        erinSink.drain();

        alice.run(after("lobby", 0));
        assertEquals(5, aliceSink.next("history").getJsonArray("messages").size(), "the budget had chars left");
        bob.run(after("lobby", 0));
        JsonObject refused = bobSink.next("error");
        erin.run(after("lobby", 0));

        assertAll(
                () -> assertEquals("rate_limited", refused.getString("code"), refused::toString),
                () -> assertEquals("history", refused.getString("for")),
                () -> assertEquals("lobby", refused.getString("room")),
                () -> assertTrue(refused.getString("message").contains("chars of history"), refused::toString),
                () -> assertEquals(
                        5, erinSink.next("history").getJsonArray("messages").size(), "another address is answered"));
        bob.run(after("lobby", 0));
        assertEquals("rate_limited", bobSink.next("error").getString("code"));
        assertEquals(4029, bobSink.closeCode(), "two refusals for rate within the window");
    }

    /**
     * A query reserves the largest reply (256 KiB) and gives back what its reply did not use, so the address pays
     * what it was sent: a budget of 20,000 chars answers as many 5-message pages as fit in it (plus the one that
     * finds a char left), then refuses. Charged the largest reply instead, the second query would be refused.
     */
    @Test
    void aReplyIsChargedTheCharsItWasSentNotTheLargestReply() {
        int budget = 20_000;
        start(Map.of(
                "parley.history.chars-per-address-per-second",
                "1",
                "parley.history.chars-per-address-burst",
                String.valueOf(budget)));
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = member("alice", "127.0.0.1", aliceSink, "lobby");
        for (int i = 0; i < 5; i++) {
            cut.post(alice, new Command.Say("lobby", "x".repeat(1000), null));
        }
        aliceSink.drain();

        List<String> replies = new ArrayList<>();
        while (replies.size() < 20
                && (replies.isEmpty() || replies.get(replies.size() - 1).startsWith("{\"type\":\"history\""))) {
            alice.run(after("lobby", 0));
            replies.add(aliceSink.nextText());
        }

        int sent = replies.get(0).length();
        int answered = (budget - 1) / sent + 1;
        assertTrue(answered > 1, "a page of " + sent + " chars");
        assertEquals(
                answered + 1,
                replies.size(),
                replies.stream().map(r -> r.substring(0, 40)).toList()::toString);
        assertTrue(replies.subList(0, answered).stream().allMatch(reply -> reply.length() == sent));
        assertTrue(replies.get(answered).contains("\"rate_limited\""), replies.get(answered));
    }

    /**
     * What the page asks for after it reconnects into its 50 rooms (at most {@code parley.rooms.per-connection}):
     * one {@code history after} page of up to 200 messages per room, each at most the reply bound (256 KiB). With
     * every room full of maximum-size {@code "} messages, each reply is cut to that bound: the default budget answers
     * all 50 at once, without a refusal.
     */
    @Test
    void theDefaultBudgetAnswersAPageCatchingUpInFiftyRoomsOfMaximumSizeMessagesAtOnce() {
        start(Map.of());
        RecordingSink aliceSink = new RecordingSink();
        Connection alice = member("alice", "127.0.0.1", aliceSink, "room0");
        int rooms = chat.limits.roomsPerConnection();
        for (int room = 0; room < rooms; room++) {
            alice.run(new Command.Join("room" + room));
            for (int i = 0; i < 40; i++) {
                cut.post(alice, new Command.Say("room" + room, QUOTES, null));
            }
        }
        aliceSink.drain();
        long bound = HistoryLimits.from(Settings.of(Map.of())).replyBound(chat.limits.outboxMaxBytes());

        long sent = 0;
        for (int room = 0; room < rooms; room++) {
            alice.run(after("room" + room, 0));
            String frame = aliceSink.nextText();
            assertTrue(frame.startsWith("{\"type\":\"history\""), () -> frame.substring(0, 200));
            sent += frame.length();
        }

        assertEquals(50, rooms);
        assertTrue(sent > rooms * bound * 9 / 10, "every reply near the bound: " + sent + " chars");
        assertFalse(aliceSink.closed.isDone(), "not closed");
    }

    @Test
    void aReplyBoundOverHalfTheOutboxIsLoweredToHalf() {
        HistoryLimits asked = HistoryLimits.from(Settings.of(Map.of("parley.history.max-reply-bytes", "900000")));

        assertEquals(524288, asked.replyBound(1L << 20));
        assertEquals(900000, asked.replyBound(4L << 20));
    }
}
