package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.ChatClient;
import dev.parley.testing.OwnServer;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A message is acknowledged (echoed to its sender with its seq) only after it is committed, so it must survive
 * {@code kill -9} of the server JVM: after a restart on the same data, history holds every acknowledged message
 * exactly once, numbered 1..n without gaps. Not an Arquillian test: it starts and kills its own server JVM, on the
 * server of the build's profile (WildFly, Payara Micro or Open Liberty).
 */
class DurabilityIT {

    static final int POSTERS = 4;
    static final int ROOMS = 2;
    static final int BEFORE_BURST = 50;
    static final int BURST = 100;
    static final int BURST_ACKS_BEFORE_KILL = 20;
    /** Set just before the server is killed: a send that fails from then on failed because of it. */
    static final java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();

    @RegisterExtension
    static final OwnServer server = OwnServer.with(
            "durability",
            "-Dparley.rate.say-per-second=100000",
            "-Dparley.rate.say-burst=100000",
            "-Dparley.rate.commands-per-second=100000",
            "-Dparley.rate.commands-burst=100000",
            "-Dparley.rate.say-per-address-per-second=100000",
            "-Dparley.rate.say-per-address-burst=100000",
            "-Dparley.rate.commands-per-address-per-second=100000",
            "-Dparley.rate.commands-per-address-burst=100000",
            // a burst from several clients on a loaded machine can outrun the store: this test is about what happens
            // to accepted posts, so the store's back-pressure (rate_limited, internal after 5 s) is lifted too
            "-Dparley.store.max-pending=100000",
            "-Dparley.store.max-pending-per-room=100000",
            "-Dparley.store.timeout-ms=120000",
            "-Dparley.rooms.auto-create=true");

    @BeforeAll
    static void theServerNamesTheProfilesDatabase() {
        String database = System.getProperty("parley.it.database", "H2");
        assertTrue(
                server.process().consoleOutput().contains("Parley database: java:app/jdbc/parley is " + database + " "),
                "the server's startup log does not name " + database + " as Parley's database");
    }

    /**
     * {@value #POSTERS} clients post to {@value #ROOMS} rooms at once, so commits contend for each room's counter row
     * and posts to different rooms share transactions (group commit) while the JVM is killed. Each posts
     * {@value #BEFORE_BURST} acknowledged messages, then a burst of {@value #BURST} from its own thread; the server is
     * killed once {@value #BURST_ACKS_BEFORE_KILL} burst messages have echoes. After the restart all posters resend
     * everything at once, so retries of stored refs meet in shared transactions too.
     */
    @Test
    void everyAcknowledgedMessageOfSeveralPostersSurvivesSigkillExactlyOnce() throws Exception {
        URL base = server.base();
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < ROOMS; i++) {
            rooms.add(ChatClient.unique("crash" + i));
        }
        List<Poster> posters = new ArrayList<>();
        for (int i = 0; i < POSTERS; i++) {
            posters.add(new Poster(ChatClient.unique("durable" + i), rooms.get(i % ROOMS)));
        }
        CountDownLatch burstAcks = new CountDownLatch(BURST_ACKS_BEFORE_KILL);
        ExecutorService threads = Executors.newFixedThreadPool(POSTERS);
        try {
            for (Poster poster : posters) {
                poster.client = ChatClient.open(base, poster.user);
                poster.client.join(poster.room);
            }
            for (Poster poster : posters) {
                for (int i = 0; i < BEFORE_BURST; i++) {
                    poster.say("before the crash " + i);
                }
            }
            for (Poster poster : posters) {
                while (poster.acknowledged.size() < BEFORE_BURST) {
                    poster.acknowledge(poster.client.next(), null);
                }
            }

            List<Future<?>> bursts = new ArrayList<>();
            for (Poster poster : posters) {
                bursts.add(threads.submit(() -> {
                    // a poster may still be sending when the server is killed: it stops there
                    for (int i = 0; i < BURST; i++) {
                        if (!poster.say("in flight " + i)) {
                            break;
                        }
                    }
                    poster.readUntilTheEnd(burstAcks);
                    return null;
                }));
            }
            assertTrue(
                    burstAcks.await(ChatClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    "no " + BURST_ACKS_BEFORE_KILL + " echoes of the burst");
            killed.set(true);
            server.process().kill();
            for (Future<?> burst : bursts) {
                burst.get(ChatClient.TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
        } finally {
            threads.shutdownNow();
            posters.forEach(Poster::close);
        }
        int sent = posters.stream().mapToInt(p -> p.sent.size()).sum();
        int acknowledged = posters.stream().mapToInt(p -> p.acknowledged.size()).sum();
        System.out.printf(
                "DurabilityIT: %d posters, %d sent, %d acknowledged before SIGKILL%n", POSTERS, sent, acknowledged);

        server.process().start();

        // each poster reads history as itself: a message carries its ref only for its sender
        for (Poster poster : posters) {
            poster.client = ChatClient.open(base, poster.user);
            poster.client.join(poster.room);
            assertStoredExactlyOnce(poster.client.wholeHistory(poster.room), poster, posters, false);
        }
        // a client that lost its connection sends again what it has no echo for; refs make that safe
        ExecutorService resenders = Executors.newFixedThreadPool(POSTERS);
        try {
            List<Future<Map<String, Long>>> resends = new ArrayList<>();
            for (Poster poster : posters) {
                resends.add(resenders.submit(() -> {
                    Map<String, Long> resent = new LinkedHashMap<>();
                    poster.sent.forEach((ref, text) -> poster.client.say(poster.room, text, ref));
                    while (resent.size() < poster.sent.size()) {
                        poster.acknowledge(poster.client.next(), resent);
                    }
                    return resent;
                }));
            }
            for (int i = 0; i < POSTERS; i++) {
                Poster poster = posters.get(i);
                Map<String, Long> resent = resends.get(i).get(ChatClient.TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
                poster.acknowledged.forEach((ref, seq) ->
                        assertEquals(seq, resent.get(ref), poster.user + ": the seq of ref " + ref + " resent"));
                poster.acknowledged.putAll(resent);
            }
        } finally {
            resenders.shutdownNow();
        }
        for (Poster poster : posters) {
            List<JsonObject> all = poster.client.wholeHistory(poster.room);
            assertStoredExactlyOnce(all, poster, posters, true);
            int sentToRoom = posters.stream()
                    .filter(p -> p.room.equals(poster.room))
                    .mapToInt(p -> p.sent.size())
                    .sum();
            assertEquals(sentToRoom, all.size(), poster.room + ": every message sent, stored once");
            poster.close();
        }
    }

    /** One posting client: what it sent and which of those it has an echo (its own copy, with the seq) for. */
    private static final class Poster implements AutoCloseable {

        final String user;
        final String room;
        final Map<String, String> sent = new ConcurrentHashMap<>();
        final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        ChatClient client;

        Poster(String user, String room) {
            this.user = user;
            this.room = room;
        }

        /**
         * Sends, and says false if the send failed because the server was killed meanwhile: the text stays among those
         * sent, so it is sent again after the restart, as a client does with what has no echo.
         */
        boolean say(String text) {
            String ref = ChatClient.ref();
            sent.put(ref, text);
            try {
                client.say(room, text, ref);
                return true;
            } catch (AssertionError failed) {
                if (killed.get()) {
                    return false;
                }
                throw failed;
            }
        }

        /** Acknowledges every echo as it comes, until the connection ends (the server was killed). */
        void readUntilTheEnd(CountDownLatch burstAcks) {
            while (true) {
                JsonObject frame;
                try {
                    frame = client.next();
                } catch (AssertionError noFrame) {
                    if (client.isClosed()) {
                        return;
                    }
                    throw noFrame;
                }
                if (acknowledge(frame, null)) {
                    burstAcks.countDown();
                }
            }
        }

        /** Records this poster's echo (into {@code into}, else {@link #acknowledged}); true if the frame was one. */
        boolean acknowledge(JsonObject frame, Map<String, Long> into) {
            Map<String, Long> target = into != null ? into : acknowledged;
            String type = frame.getString("type", null);
            if ("error".equals(type)) {
                fail(user + ": the server refused a command: " + frame);
            }
            String ref = frame.getString("ref", null);
            if (!"message".equals(type) || !room.equals(frame.getString("room", null)) || ref == null) {
                return false;
            }
            assertEquals(user, frame.getString("from"), frame::toString);
            assertTrue(sent.containsKey(ref), user + ": an echo for a ref it did not send: " + frame);
            assertEquals(sent.get(ref), frame.getString("text"), frame::toString);
            Long earlier = target.put(ref, frame.getJsonNumber("seq").longValue());
            if (earlier != null) {
                fail(user + ": ref " + ref + " acknowledged twice: seq " + earlier + " and " + frame);
            }
            return true;
        }

        @Override
        public void close() {
            if (client != null) {
                client.close();
            }
        }
    }

    /**
     * History is numbered 1..n and holds only the posters' messages; the poster's own (which carry their refs) are
     * what it sent, each ref once, every acknowledged one with the seq its echo carried, and, when
     * {@code complete}, all it sent.
     */
    private static void assertStoredExactlyOnce(
            List<JsonObject> stored, Poster poster, List<Poster> posters, boolean complete) {
        assertSeqsAreOneToN(stored);
        List<String> users = posters.stream().map(p -> p.user).toList();
        Map<String, List<Long>> seqsByRef = new HashMap<>();
        for (JsonObject message : stored) {
            assertTrue(users.contains(message.getString("from")), "a stored message no poster sent: " + message);
            if (!poster.user.equals(message.getString("from"))) {
                continue;
            }
            String ref = message.getString("ref", null);
            assertTrue(poster.sent.containsKey(ref), poster.user + ": a stored message it did not send: " + message);
            assertEquals(poster.sent.get(ref), message.getString("text"), message::toString);
            seqsByRef
                    .computeIfAbsent(ref, r -> new ArrayList<>())
                    .add(message.getJsonNumber("seq").longValue());
        }
        seqsByRef.forEach((ref, seqs) ->
                assertEquals(1, seqs.size(), poster.user + ": ref " + ref + " stored more than once: " + seqs));
        for (Map.Entry<String, Long> ack : poster.acknowledged.entrySet()) {
            assertEquals(
                    List.of(ack.getValue()),
                    seqsByRef.get(ack.getKey()),
                    poster.user + ": the seqs stored for the acknowledged ref " + ack.getKey()
                            + " (acknowledged with seq " + ack.getValue() + ")");
        }
        if (complete) {
            assertEquals(poster.sent.keySet(), seqsByRef.keySet(), poster.user + ": stored");
        }
    }

    private static void assertSeqsAreOneToN(List<JsonObject> stored) {
        List<Long> seqs =
                stored.stream().map(m -> m.getJsonNumber("seq").longValue()).toList();
        List<Long> oneToN = LongStream.rangeClosed(1, seqs.size()).boxed().toList();
        assertEquals(oneToN, seqs, "the stored seqs are not 1.." + seqs.size() + " in order");
    }
}
