package dev.parley;

import static dev.parley.ProtocolIT.assertError;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.RawWebSocket;
import dev.parley.testing.ServerJvm;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Delivery under pressure: rate limits, concurrent posters to one room (one gapless order that every member
 * sees) and a member that stops reading on a raw socket (disconnected while the others get everything).
 */
class DeliveryIT extends DeployedParley {

    static final int PER_THREAD = 100;
    /** Gives up on the slow-consumer test after this many 16 KB messages (about 32 MB through the stuck socket). */
    static final int SLOW_CONSUMER_CAP = 2000;

    static final int HEALTHY_MEMBERS = 20;
    /** More than the default say burst (20) plus what 10 per second refill while they are sent, even when slow. */
    static final int BURST_SAYS = 100;

    static final int DEFAULT_SAY_BURST = 20;
    static final double DEFAULT_SAY_PER_SECOND = 10;

    @Test
    void aBurstOfSaysOverThePostingRateIsRateLimited() {
        String room = unique("rate");
        try (ChatClient client = ChatClient.open(base, unique("eve"))) {
            client.join(room);
            Set<String> refs = new HashSet<>();
            long started = System.nanoTime();
            for (int i = 0; i < BURST_SAYS; i++) {
                String ref = ChatClient.ref();
                refs.add(ref);
                client.say(room, "burst " + i, ref);
            }
            List<JsonObject> stored = new ArrayList<>();
            List<JsonObject> limited = new ArrayList<>();
            for (int i = 0; i < BURST_SAYS; i++) {
                JsonObject reply = client.next();
                if ("message".equals(reply.getString("type"))) {
                    assertTrue(refs.contains(reply.getString("ref", null)), reply::toString);
                    stored.add(reply);
                } else {
                    assertError(reply, "rate_limited", "say");
                    limited.add(reply);
                }
            }
            // the bucket refills while the burst is sent, slowly on a loaded machine: judge against what it allows
            double seconds = (System.nanoTime() - started) / 1e9;
            long allowed = DEFAULT_SAY_BURST + (long) Math.ceil(DEFAULT_SAY_PER_SECOND * seconds);
            assertTrue(
                    stored.size() <= allowed,
                    stored.size() + " of " + BURST_SAYS + " says accepted in " + seconds + " s; the rate allows "
                            + allowed);
            assertTrue(limited.size() >= 1, BURST_SAYS + " says back to back were all accepted");
            assertTrue(stored.size() >= 1, "nothing of the burst was accepted");
            assertEquals(
                    LongStream.rangeClosed(1, stored.size()).boxed().toList(),
                    ChatClient.seqs(stored),
                    "refused says took no seq");
            assertTrue(client.sync().isEmpty(), "a say got two replies");
        }
    }

    @Test
    void aBurstOfOtherCommandsOverTheCommandRateIsRateLimited() {
        try (ChatClient client = ChatClient.open(base, unique("eve"))) {
            String room = unique("nowhere");
            for (int i = 0; i < 100; i++) {
                client.command("leave", "room", room);
            }
            int limited = 0;
            for (int i = 0; i < 100; i++) {
                JsonObject reply = client.next();
                if ("rate_limited".equals(reply.getString("code", null))) {
                    assertError(reply, "rate_limited", "leave");
                    limited++;
                } else {
                    assertError(reply, "not_member", "leave");
                }
            }
            assertTrue(limited >= 1, "100 commands back to back were all accepted");
        }
    }

    /**
     * Two threads post 100 messages each, spread over several connections each so no connection goes over the
     * posting rate. Every member, posters included, must see all 200 exactly once, in one gapless seq order.
     */
    @Test
    void concurrentPostersProduceOneGaplessOrderThatEveryMemberSees() throws Exception {
        String room = unique("concurrent");
        int perGroup = (PER_THREAD + ChatClient.SAY_BUDGET - 1) / ChatClient.SAY_BUDGET;
        List<ChatClient> all = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            ChatClient observer = open(all, "observer");
            observer.join(room);
            List<List<ChatClient>> groups = new ArrayList<>();
            for (int g = 0; g < 2; g++) {
                List<ChatClient> group = new ArrayList<>();
                for (int i = 0; i < perGroup; i++) {
                    ChatClient poster = open(all, "poster");
                    poster.join(room);
                    group.add(poster);
                }
                groups.add(group);
            }

            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> posting = new ArrayList<>();
            for (int g = 0; g < 2; g++) {
                List<ChatClient> group = groups.get(g);
                String thread = "t" + g;
                posting.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        ChatClient poster = group.get(i % group.size());
                        poster.say(room, thread + "-" + i, ChatClient.ref());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> done : posting) {
                done.get(ChatClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }

            int total = 2 * PER_THREAD;
            List<JsonObject> seen = messages(observer, total);
            assertEquals(
                    LongStream.rangeClosed(1, total).boxed().toList(), ChatClient.seqs(seen), "the observer's seqs");
            Set<String> expectedTexts = new HashSet<>();
            for (int g = 0; g < 2; g++) {
                for (int i = 0; i < PER_THREAD; i++) {
                    expectedTexts.add("t" + g + "-" + i);
                }
            }
            assertEquals(
                    expectedTexts,
                    seen.stream().map(m -> m.getString("text")).collect(Collectors.toSet()),
                    "every message exactly once");
            List<String> order = seen.stream().map(DeliveryIT::identity).toList();

            for (List<ChatClient> group : groups) {
                for (ChatClient poster : group) {
                    List<JsonObject> posterSaw = messages(poster, total);
                    assertEquals(
                            order,
                            posterSaw.stream().map(DeliveryIT::identity).toList(),
                            poster + " saw another order");
                    for (JsonObject message : posterSaw) {
                        assertEquals(
                                poster.user().equals(message.getString("from")),
                                message.containsKey("ref"),
                                "ref only on the poster's own copies: " + message);
                    }
                    List<Integer> ownOrder = posterSaw.stream()
                            .filter(m -> poster.user().equals(m.getString("from")))
                            .map(m -> Integer.parseInt(m.getString("text").substring(3)))
                            .toList();
                    assertEquals(
                            ownOrder.stream().sorted().toList(),
                            ownOrder,
                            "one connection's says are stored in the order sent");
                }
            }
        } finally {
            threads.shutdownNow();
            all.forEach(ChatClient::close);
        }
    }

    /**
     * Members join while messages are being posted: each sees every message exactly once, either in
     * {@code joined.history} (up to {@code joined.last}) or live (from {@code last + 1} on, without gaps).
     */
    @Test
    void aMemberJoiningWhileOthersPostSeesEachMessageOnceInHistoryOrLive() throws Exception {
        String room = unique("midstream");
        int total = 4 * ChatClient.SAY_BUDGET;
        List<ChatClient> all = new ArrayList<>();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            List<ChatClient> posters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ChatClient poster = open(all, "poster");
                poster.join(room);
                posters.add(poster);
            }
            CountDownLatch start = new CountDownLatch(1);
            Future<?> posting = thread.submit(() -> {
                start.await();
                for (int i = 0; i < total; i++) {
                    posters.get(i % posters.size()).say(room, "m-" + i, ChatClient.ref());
                }
                return null;
            });
            start.countDown();
            List<ChatClient> joiners = new ArrayList<>();
            List<JsonObject> joins = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ChatClient joiner = open(all, "joiner");
                joins.add(joiner.join(room));
                joiners.add(joiner);
            }
            posting.get(ChatClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            for (int i = 0; i < joiners.size(); i++) {
                JsonObject joined = joins.get(i);
                long last = joined.getJsonNumber("last").longValue();
                List<JsonObject> history = joined.getJsonArray("history").getValuesAs(JsonObject.class);
                List<Long> historySeqs = history.stream()
                        .map(m -> m.getJsonNumber("seq").longValue())
                        .toList();
                assertEquals(
                        LongStream.rangeClosed(Math.max(1, last - 49), last)
                                .boxed()
                                .toList(),
                        historySeqs,
                        "joined.history is the last messages up to joined.last");
                List<JsonObject> live = messages(joiners.get(i), (int) (total - last));
                assertEquals(
                        LongStream.rangeClosed(last + 1, total).boxed().toList(),
                        ChatClient.seqs(live),
                        "live messages continue right after joined.last");
                assertTrue(ChatClient.seqs(joiners.get(i).sync()).isEmpty(), "a message came twice");
            }
        } finally {
            thread.shutdownNow();
            all.forEach(ChatClient::close);
        }
    }

    /**
     * A member on a raw TCP socket with a small receive buffer joins and never reads again; posters (fresh
     * connections, each within the posting rate) push 16 KB messages until the server drops it, which the others
     * see as its presence {@code left}. While the stuck socket is still open, 20 healthy members have every message
     * in order, another room still answers, and no server thread is parked in Parley's code (a thread dump of the
     * server JVM): nothing waits on the stuck socket. Then the stuck socket, read at last, reaches EOF or a reset:
     * the server closed the TCP connection, not only sent a close frame.
     */
    @Test
    void aMemberThatStopsReadingIsDisconnectedWhileTwentyOthersGetEverything() throws Exception {
        String room = unique("slow");
        String emoji = new String(Character.toChars(0x1F600));
        String bulk = emoji.repeat(3990);
        String stuckName = unique("stuck");
        List<ChatClient> healthy = new ArrayList<>();
        try (RawWebSocket stuck = RawWebSocket.connect(base, "name=" + stuckName, 4096)) {
            for (int i = 0; i < HEALTHY_MEMBERS; i++) {
                open(healthy, "healthy").join(room);
            }
            stuck.readUntil("\"welcome\"");
            stuck.sendText(ChatClient.json("type", "join", "room", room));
            stuck.readUntil("\"joined\"");

            List<List<JsonObject>> seen = new ArrayList<>();
            healthy.forEach(member -> seen.add(new ArrayList<>()));
            List<JsonObject> posted = new ArrayList<>();
            boolean dropped = false;
            while (!dropped) {
                if (posted.size() >= SLOW_CONSUMER_CAP) {
                    fail("the server still had the stuck member after " + posted.size()
                            + " messages of 16 KB (no presence left for it)");
                }
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < ChatClient.SAY_BUDGET; i++) {
                    texts.add("#" + (posted.size() + i + 1) + " " + bulk);
                }
                posted.addAll(ChatClient.postAll(base, room, texts));
                for (int i = 0; i < healthy.size(); i++) {
                    List<JsonObject> frames = healthy.get(i).drain();
                    seen.get(i).addAll(frames);
                    dropped |= frames.stream().anyMatch(PresenceIT.presenceAbout("left", stuckName));
                }
            }
            System.out.printf(
                    "DeliveryIT: the stuck member (receive buffer %d bytes) was dropped after %d messages"
                            + " of 16 KB%n",
                    stuck.receiveBufferSize(), posted.size());

            assertEquals(LongStream.rangeClosed(1, posted.size()).boxed().toList(), ChatClient.seqs(posted));
            for (int i = 0; i < healthy.size(); i++) {
                List<JsonObject> messages = seen.get(i).stream()
                        .filter(frame -> "message".equals(frame.getString("type")))
                        .collect(Collectors.toList());
                messages.addAll(messages(healthy.get(i), posted.size() - messages.size()));
                assertEquals(ChatClient.seqs(posted), ChatClient.seqs(messages), "healthy member " + i + "'s seqs");
                assertEquals(
                        posted.stream().map(DeliveryIT::identity).toList(),
                        messages.stream().map(DeliveryIT::identity).toList(),
                        "healthy member " + i + "'s messages");
            }
            try (ChatClient elsewhere = ChatClient.open(base, unique("elsewhere"))) {
                String other = unique("other");
                elsewhere.join(other);
                assertEquals(
                        "still served", elsewhere.post(other, "still served").getString("text"));
            }
            // Open Liberty's Session.close() waits for the stuck socket's pending write before it sends the close
            // frame, so there the thread closing the stuck member stays parked inside the container's close (README,
            // Known issues); Parley's committer, room loader and database watch wait for work and never write to a
            // client. Any
            // other Parley thread parked (a blocking send, a lock) fails the test on every server
            assertEquals(
                    List.of(),
                    ServerJvm.ofHttpPort(base.getPort())
                            .parkedIn(
                                    "dev.parley.",
                                    "at dev.parley.chat.boundary.SessionSink.close",
                                    "\"parley-committer\"",
                                    "\"parley-room-loader\"",
                                    "\"parley-database-watch\""),
                    "server threads parked in Parley's code while the stuck socket is open");

            RawWebSocket.Ending ending = stuck.readToEnd();
            System.out.println("DeliveryIT: the stuck socket " + ending);
            assertTrue(ending.endedByServer(), "the server did not close the stuck TCP connection: " + ending);
            List<Long> stuckSeqs = ChatClient.seqs(
                    ending.texts().stream().map(ChatClient::parse).toList());
            assertEquals(
                    LongStream.rangeClosed(1, stuckSeqs.size()).boxed().toList(),
                    stuckSeqs,
                    "the stuck member got a gapless prefix");
            assertTrue(stuckSeqs.size() < posted.size(), "the stuck member got everything, yet was dropped");
        } finally {
            healthy.forEach(ChatClient::close);
        }
    }

    private ChatClient open(List<ChatClient> all, String prefix) {
        ChatClient client = ChatClient.open(base, unique(prefix));
        all.add(client);
        return client;
    }

    /** The next {@code count} messages, skipping other frames. */
    private static List<JsonObject> messages(ChatClient client, int count) {
        List<JsonObject> messages = new ArrayList<>();
        while (messages.size() < count) {
            messages.add(client.await("message"));
        }
        return messages;
    }

    private static String identity(JsonObject message) {
        return message.getJsonNumber("seq") + " " + message.getString("from") + " " + message.getString("text");
    }
}
