package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.ChatClient;
import dev.parley.testing.Health;
import dev.parley.testing.OwnServer;
import dev.parley.testing.PostgresSession;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database stops mid-burst and comes back, the server running on: PostgreSQL is stopped as an operator stops it
 * (fast shutdown, every session ended), and started again on the same data and port. While it is down every post is
 * answered with {@code internal} or {@code rate_limited} and its ref within {@code parley.store.timeout-ms} and a
 * margin, nothing is acknowledged, and {@code /api/health} says the database is down. Once it is back, the same server
 * stores the resent refs and new posts: every acknowledged ref is stored exactly once with the seq its echo carried,
 * every room's seqs are 1..n; and after a restart while nobody posts, the first posts are stored. Only with {@code -Ddb=postgres} (the test's PostgreSQL is {@link PostgresSession}'s), on
 * a WildFly of the test's own with short timeouts.
 */
class DatabaseOutageIT {

    static final int ROOMS = 3;
    static final int POSTERS_PER_ROOM = 2;
    /** Posts a poster has sent and not had answered, at most, during the burst. */
    static final int WINDOW = 8;

    static final int ACKS_BEFORE_STOP = 60;
    /** A bound only: a burst ends when the database stops or a post is refused. */
    static final int MOST_BURST_POSTS = 5000;

    static final int POSTS_WHILE_DOWN = 10;
    static final int POSTS_AFTER = 5;
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(2);
    /** The store timeout, its sweep's period (a quarter of it) and a loaded machine's delays. */
    static final Duration ANSWER_LIMIT = STORE_TIMEOUT.plusSeconds(3);

    static final Set<String> REFUSALS = Set.of("internal", "rate_limited");

    @RegisterExtension
    static final OwnServer server = OwnServer.with(
            "outage",
            "-Dparley.rate.say-per-second=100000",
            "-Dparley.rate.say-burst=100000",
            "-Dparley.rate.commands-per-second=100000",
            "-Dparley.rate.commands-burst=100000",
            "-Dparley.rate.say-per-address-per-second=100000",
            "-Dparley.rate.say-per-address-burst=100000",
            "-Dparley.rate.commands-per-address-per-second=100000",
            "-Dparley.rate.commands-per-address-burst=100000",
            "-Dparley.store.timeout-ms=" + STORE_TIMEOUT.toMillis(),
            "-Dparley.store.statement-timeout-ms=" + STORE_TIMEOUT.toMillis(),
            "-Dparley.health.interval-ms=200",
            "-Dparley.health.timeout-ms=1000",
            "-Dparley.rooms.auto-create=true");

    @Test
    void postsDuringAnOutageAreRefusedAndEveryAcknowledgedOneIsStoredOnceAfterIt() throws Exception {
        URL base = server.base();
        List<Poster> posters = new ArrayList<>();
        for (int r = 0; r < ROOMS; r++) {
            String room = ChatClient.unique("outage" + r);
            for (int p = 0; p < POSTERS_PER_ROOM; p++) {
                posters.add(new Poster(ChatClient.unique("poster" + r + p), room));
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(posters.size());
        long started = System.nanoTime();
        try {
            for (Poster poster : posters) {
                poster.client = ChatClient.open(base, poster.user);
                poster.client.join(poster.room);
            }
            Health.await(base, "up");

            CountDownLatch acks = new CountDownLatch(ACKS_BEFORE_STOP);
            AtomicBoolean stopped = new AtomicBoolean();
            List<Future<Void>> bursts = submitEach(threads, posters, poster -> () -> poster.burst(stopped, acks));
            assertTrue(
                    acks.await(ChatClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    "no " + ACKS_BEFORE_STOP + " echoes of the burst before the outage");
            long stopping = System.nanoTime();
            try {
                PostgresSession.stopDatabase();
                stopped.set(true);
                long down = System.nanoTime();
                awaitAll(bursts);
                Health.await(base, "down");
                long healthDown = System.nanoTime();
                awaitAll(submitEach(threads, posters, poster -> () -> poster.postWhileDown(POSTS_WHILE_DOWN)));
                System.out.printf(
                        "DatabaseOutageIT: PostgreSQL stopped in %d ms; health said down %d ms later; %d sent, %d"
                                + " acknowledged, %d refusals so far%n",
                        millis(down - stopping),
                        millis(healthDown - down),
                        posters.stream().mapToInt(p -> p.sent.size()).sum(),
                        posters.stream().mapToInt(p -> p.acknowledged.size()).sum(),
                        posters.stream().mapToInt(p -> p.refusals).sum());
            } finally {
                // whatever happened: the tests after this one use the same database
                PostgresSession.restartDatabase();
            }
            long restarted = System.nanoTime();
            Health.await(base, "up");
            System.out.printf(
                    "DatabaseOutageIT: PostgreSQL down for %d ms; health said up %d ms after the restart%n",
                    millis(restarted - stopping), millis(System.nanoTime() - restarted));

            long resending = System.nanoTime();
            List<Integer> rounds = awaitAll(submitEach(threads, posters, poster -> poster::resendUnacknowledged));
            System.out.printf(
                    "DatabaseOutageIT: every ref acknowledged %d ms after the resends began, in %s rounds%n",
                    millis(System.nanoTime() - resending), rounds);
            awaitAll(submitEach(threads, posters, poster -> () -> poster.postStored(POSTS_AFTER)));

            // a restart while nobody posts leaves only dead connections in the pool: the first posts after it must
            // be stored all the same (the pool checks a connection before it hands it out)
            try {
                PostgresSession.stopDatabase();
                Health.await(base, "down");
            } finally {
                PostgresSession.restartDatabase();
            }
            Health.await(base, "up");
            awaitAll(submitEach(threads, posters, poster -> () -> poster.postStored(POSTS_AFTER)));
        } finally {
            threads.shutdownNow();
        }

        for (Poster poster : posters) {
            assertTrue(
                    poster.slowestAnswer.compareTo(ANSWER_LIMIT) <= 0,
                    poster.user + ": a post was answered only after " + poster.slowestAnswer);
            List<JsonObject> stored = poster.client.wholeHistory(poster.room);
            assertStoredExactlyOnce(stored, poster, posters);
        }
        posters.forEach(Poster::close);
        System.out.printf(
                "DatabaseOutageIT: %d posts stored in %d rooms, slowest answer %s, %d ms in all%n",
                posters.stream().mapToInt(p -> p.sent.size()).sum(),
                ROOMS,
                posters.stream()
                        .map(p -> p.slowestAnswer)
                        .max(Duration::compareTo)
                        .orElseThrow(),
                millis(System.nanoTime() - started));
    }

    /**
     * One posting client, on one thread at a time: what it sent (ref to text, in order), which refs have their echo
     * (ref to seq), which await an answer (ref to when sent), and the slowest answer so far.
     */
    private static final class Poster implements AutoCloseable {

        final String user;
        final String room;
        final Map<String, String> sent = new LinkedHashMap<>();
        final Map<String, Long> acknowledged = new HashMap<>();
        final Map<String, Long> unanswered = new HashMap<>();
        /** The last refusal of each ref, for the failure message. */
        final Map<String, JsonObject> lastRefusal = new HashMap<>();

        Duration slowestAnswer = Duration.ZERO;
        int refusals;
        ChatClient client;

        Poster(String user, String room) {
            this.user = user;
            this.room = room;
        }

        /**
         * Posts with at most {@link #WINDOW} unanswered until the database is stopped or an answer is a refusal (a
         * client backs off), then awaits its answers.
         */
        Void burst(AtomicBoolean stopped, CountDownLatch acks) {
            int refusalsBefore = refusals;
            for (int i = 0; i < MOST_BURST_POSTS && !stopped.get() && refusals == refusalsBefore; ) {
                if (unanswered.size() < WINDOW) {
                    post("burst " + i++);
                } else if (read() && acks.getCount() > 0) {
                    acks.countDown();
                }
            }
            awaitAnswers();
            return null;
        }

        /** Posts while the database is down: each is answered, and none acknowledged, so each was refused. */
        Void postWhileDown(int posts) {
            List<String> refs = postAll("while down", posts);
            assertEquals(
                    List.of(),
                    refs.stream().filter(acknowledged::containsKey).toList(),
                    user + ": acknowledged while the database was down");
            return null;
        }

        /**
         * Sends every ref without an echo again, with its text, in the order first sent (a ref refused for the full
         * store holds back the later ones), until each has its echo; between rounds it backs off as a client does
         * after a refusal (100 ms, doubling up to 1 s), for at most {@link ChatClient#TIMEOUT}: the store may still
         * be failing its first batches when health already says up.
         *
         * @return the rounds it took
         */
        Integer resendUnacknowledged() throws InterruptedException {
            long deadline = System.nanoTime() + ChatClient.TIMEOUT.toNanos();
            Duration backoff = Duration.ofMillis(100);
            for (int round = 1; ; round++) {
                List<String> missing = sent.keySet().stream()
                        .filter(ref -> !acknowledged.containsKey(ref))
                        .toList();
                if (missing.isEmpty()) {
                    return round - 1;
                }
                if (round > 1) {
                    if (System.nanoTime() - deadline > 0) {
                        fail(user + ": " + missing.size() + " refs still refused after " + (round - 1)
                                + " rounds of resends in " + ChatClient.TIMEOUT + "; the first one's last refusal: "
                                + lastRefusal.get(missing.get(0)));
                    }
                    Thread.sleep(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(1)) < 0
                            ? backoff.multipliedBy(2)
                            : Duration.ofSeconds(1);
                }
                for (String ref : missing) {
                    send(ref);
                }
                awaitAnswers();
            }
        }

        /** New posts after the outage, on the same server: each acknowledged at the first try. */
        Void postStored(int posts) {
            List<String> refs = postAll("after", posts);
            assertEquals(
                    List.of(),
                    refs.stream().filter(ref -> !acknowledged.containsKey(ref)).toList(),
                    user + ": refused after the outage");
            return null;
        }

        /** Posts at once without waiting for answers, then awaits them; returns the refs. */
        private List<String> postAll(String text, int posts) {
            List<String> refs = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                refs.add(post(text + " " + i));
            }
            awaitAnswers();
            return refs;
        }

        private String post(String text) {
            String ref = ChatClient.ref();
            sent.put(ref, text);
            send(ref);
            return ref;
        }

        private void send(String ref) {
            unanswered.put(ref, System.nanoTime());
            client.say(room, sent.get(ref), ref);
        }

        private void awaitAnswers() {
            while (!unanswered.isEmpty()) {
                read();
            }
        }

        /**
         * Reads one frame: this poster's echo (acknowledged) or refusal of one of its refs; other frames (other
         * posters' messages, presence) pass. A ref answered {@code internal} may still be stored and echoed later.
         *
         * @return whether the frame acknowledged a ref for the first time
         */
        private boolean read() {
            JsonObject frame = client.next();
            String type = frame.getString("type", null);
            String ref = frame.getString("ref", null);
            if ("error".equals(type) && (ref == null || !sent.containsKey(ref))) {
                fail(user + ": an error about no post of its own: " + frame);
            }
            if (ref == null || !sent.containsKey(ref)) {
                return false;
            }
            Long sentAt = unanswered.remove(ref);
            if (sentAt != null) {
                Duration waited = Duration.ofNanos(System.nanoTime() - sentAt);
                slowestAnswer = waited.compareTo(slowestAnswer) > 0 ? waited : slowestAnswer;
            }
            if ("error".equals(type)) {
                assertTrue(REFUSALS.contains(frame.getString("code", null)), user + ": " + frame);
                refusals++;
                lastRefusal.put(ref, frame);
                return false;
            }
            assertEquals("message", type, frame::toString);
            assertEquals(room, frame.getString("room"), frame::toString);
            assertEquals(user, frame.getString("from"), frame::toString);
            assertEquals(sent.get(ref), frame.getString("text"), frame::toString);
            long seq = frame.getJsonNumber("seq").longValue();
            Long earlier = acknowledged.putIfAbsent(ref, seq);
            if (earlier != null && earlier != seq) {
                fail(user + ": ref " + ref + " acknowledged with seq " + earlier + " and then " + frame);
            }
            return earlier == null;
        }

        @Override
        public void close() {
            if (client != null) {
                client.close();
            }
        }
    }

    /**
     * The room's history is numbered 1..n, holds only its posters' messages, each sent ref once; the poster's own
     * (which carry their refs, as it reads them) are all it sent, each with the seq its echo carried.
     */
    private static void assertStoredExactlyOnce(List<JsonObject> stored, Poster poster, List<Poster> posters) {
        assertEquals(
                LongStream.rangeClosed(1, stored.size()).boxed().toList(),
                ChatClient.seqs(stored),
                poster.room + ": the stored seqs are not 1..n");
        int sentToRoom = posters.stream()
                .filter(p -> p.room.equals(poster.room))
                .mapToInt(p -> p.sent.size())
                .sum();
        assertEquals(sentToRoom, stored.size(), poster.room + ": every ref sent to it, stored once");
        Map<String, Long> own = new HashMap<>();
        for (JsonObject message : stored) {
            if (poster.user.equals(message.getString("from"))) {
                String ref = message.getString("ref", null);
                assertEquals(poster.sent.get(ref), message.getString("text"), message::toString);
                Long twice = own.put(ref, message.getJsonNumber("seq").longValue());
                assertNull(twice, poster.user + ": ref " + ref + " stored twice");
            }
        }
        assertEquals(poster.acknowledged, own, poster.user + ": the refs stored and the seqs their echoes carried");
        assertEquals(poster.sent.keySet(), own.keySet(), poster.user + ": every ref sent is stored");
    }

    private static <T> List<Future<T>> submitEach(
            ExecutorService threads, List<Poster> posters, Function<Poster, Callable<T>> work) {
        return posters.stream()
                .map(poster -> threads.submit(work.apply(poster)))
                .toList();
    }

    /** Each result, or the first failure; every wait is bounded. */
    private static <T> List<T> awaitAll(List<Future<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(ChatClient.TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS));
        }
        return results;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
