package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.chat.entity.Receipt;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The posting pipeline from chat's side: a post is accepted without waiting for the archive, acknowledged after
 * its commit, released to the room in seq order whatever order commits come back in, bounded, and answered in time.
 */
class PostingTest {

    static final Instant AT = Instant.parse("2026-12-04T12:00:00.000Z");

    ChatFixture chat = new ChatFixture(Map.of(
            "parley.store.max-pending-per-room", "2",
            "parley.store.timeout-ms", "200",
            "parley.rate.say-per-second", "1000",
            "parley.rate.say-burst", "1000"));
    Rooms cut = chat.rooms;

    RecordingSink aliceSink = new RecordingSink();
    RecordingSink bobSink = new RecordingSink();
    Connection alice = chat.guest("alice", aliceSink);
    Connection bob = chat.guest("bob", bobSink);

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    void bothInLobby() {
        cut.join(alice, new Command.Join("lobby"));
        cut.join(bob, new Command.Join("lobby"));
        aliceSink.drain();
        bobSink.drain();
    }

    @Test
    void aPostIsAcceptedAtOnceAndAcknowledgedOnlyAfterItIsStored() {
        bothInLobby();
        chat.archive.holding.set(true);

        cut.post(alice, new Command.Say("lobby", "hello", "r1"));

        assertEquals(1, chat.archive.held(), "handed on, not stored yet");
        assertEquals(List.of(), aliceSink.drain(), "no acknowledgement before the commit");
        assertEquals(List.of(), bobSink.drain(), "nothing broadcast before the commit");
        chat.archive.settleHeld();
        JsonObject own = aliceSink.next("message");
        assertEquals("r1", own.getString("ref"));
        assertEquals(1, own.getInt("seq"));
        assertFalse(bobSink.next("message").containsKey("ref"));
    }

    @Test
    void theSenderIsAcknowledgedEvenIfItLeftTheRoomMeanwhile() {
        bothInLobby();
        chat.archive.holding.set(true);
        cut.post(alice, new Command.Say("lobby", "bye", "r1"));
        cut.leave(alice, new Command.Leave("lobby"));
        aliceSink.next("left");

        chat.archive.settleHeld();

        JsonObject own = aliceSink.next("message");
        assertEquals("r1", own.getString("ref"));
        bobSink.next("presence");
        assertEquals("bye", bobSink.next("message").getString("text"));
    }

    @Test
    void aRoomReleasesStoredMessagesInSeqOrderWhateverOrderTheyComeBackIn() throws Exception {
        bothInLobby();
        List<Long> seqs = new ArrayList<>(LongStream.rangeClosed(1, 400).boxed().toList());
        Collections.shuffle(seqs, new Random(4));
        int threads = 4;
        ExecutorService committers = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Long> share = seqs.subList(t * seqs.size() / threads, (t + 1) * seqs.size() / threads);
            done.add(committers.submit(() -> {
                start.await();
                share.forEach(seq -> cut.onPostsSettled(stored(seq, "m" + seq)));
                return null;
            }));
        }
        start.countDown();
        for (Future<?> each : done) {
            each.get(10, TimeUnit.SECONDS);
        }
        committers.shutdown();

        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            seen.add(bobSink.next("message").getJsonNumber("seq").longValue());
        }
        assertEquals(LongStream.rangeClosed(1, 400).boxed().toList(), seen);
        assertEquals(List.of(), bobSink.drain(), "each once");
    }

    @Test
    void aDeletionThatOvertakesItsMessageIsReleasedWithIt() {
        bothInLobby();
        cut.redacted("lobby", 1);
        assertEquals(List.of(), bobSink.drain(), "no deleted before the message it deletes");

        cut.onPostsSettled(stored(1, "regrettable"));

        JsonObject message = bobSink.next("message");
        assertEquals(1, message.getInt("seq"));
        assertEquals("", message.getString("text"));
        assertTrue(message.getBoolean("deleted"));
        assertEquals(List.of(), bobSink.drain());
        cut.join(bob, new Command.Join("lobby"));
        JsonObject joined = bobSink.next("joined");
        assertEquals("", joined.getJsonArray("history").getJsonObject(0).getString("text"));
    }

    @Test
    void aDeletionOfAReleasedMessageIsSentAsDeleted() {
        bothInLobby();
        cut.onPostsSettled(stored(1, "regrettable"));
        bobSink.next("message");

        cut.redacted("lobby", 1);

        JsonObject deleted = bobSink.next("deleted");
        assertEquals(1, deleted.getInt("seq"));
    }

    @Test
    void overTheRoomsPendingBoundAPostIsRefusedAndHoldsBackItsSuccessorsUntilResent() {
        bothInLobby();
        chat.archive.holding.set(true);
        cut.post(alice, new Command.Say("lobby", "one", "r1"));
        cut.post(alice, new Command.Say("lobby", "two", "r2"));

        cut.post(alice, new Command.Say("lobby", "three", "r3"));
        JsonObject busy = aliceSink.next("error");
        assertEquals("rate_limited", busy.getString("code"));
        assertEquals("r3", busy.getString("ref"));
        chat.archive.settleHeld();
        aliceSink.next("message");
        aliceSink.next("message");

        cut.post(alice, new Command.Say("lobby", "four", "r4"));
        assertEquals("rate_limited", aliceSink.next("error").getString("code"), "r3 must come first");
        cut.post(alice, new Command.Say("lobby", "three", "r3"));
        cut.post(alice, new Command.Say("lobby", "four", "r4"));
        chat.archive.settleHeld();

        assertEquals(List.of("one", "two", "three", "four"), texts(bobSink, 4));
    }

    @Test
    void aPostNotStoredInTimeIsAnsweredInternalAndStillAcknowledgedIfItIsStoredLater() {
        bothInLobby();
        chat.archive.holding.set(true);
        cut.post(alice, new Command.Say("lobby", "slow", "r1"));

        JsonObject error = aliceSink.next("error");
        assertEquals("internal", error.getString("code"));
        assertEquals("r1", error.getString("ref"));
        assertEquals(1, chat.posting.pending(), "still queued for the store, so still counted");
        chat.archive.settleHeld();

        assertEquals("slow", bobSink.next("message").getString("text"));
        JsonObject own = aliceSink.next("message");
        assertEquals("r1", own.getString("ref"), "the sender's own copy, so its pending post settles");
        assertEquals(0, chat.posting.pending());
        chat.archive.holding.set(false);
        cut.post(alice, new Command.Say("lobby", "slow", "r1"));
        assertEquals(1, aliceSink.next("message").getInt("seq"), "a retry gets the stored message, not a copy");
    }

    @Test
    void postsThatTimedOutStillCountAgainstTheBoundsUntilTheStoreAnswers() {
        bothInLobby();
        chat.archive.holding.set(true);
        cut.post(alice, new Command.Say("lobby", "one", "r1"));
        cut.post(alice, new Command.Say("lobby", "two", "r2"));
        assertEquals("internal", aliceSink.next("error").getString("code"));
        assertEquals("internal", aliceSink.next("error").getString("code"));

        cut.post(bob, new Command.Say("lobby", "three", "r3"));

        assertEquals("rate_limited", bobSink.next("error").getString("code"), "the store is still two behind");
    }

    @Test
    void aRetryFromOutsideTheRoomIsAnsweredFromTheArchive() {
        bothInLobby();
        cut.post(alice, new Command.Say("lobby", "hello", "r1"));
        aliceSink.next("message");
        cut.leave(alice, new Command.Leave("lobby"));
        aliceSink.next("left");

        cut.post(alice, new Command.Say("lobby", "hello", "r1"));
        assertEquals("r1", aliceSink.next("message").getString("ref"));
        cut.post(alice, new Command.Say("lobby", "new", "r2"));
        assertEquals("not_member", aliceSink.next("error").getString("code"));
    }

    @Test
    void stoppingWaitsForPendingPostsThenRefusesNewOnes() throws Exception {
        bothInLobby();
        chat.archive.holding.set(true);
        cut.post(alice, new Command.Say("lobby", "in flight", "r1"));
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        Future<?> stopped = stopper.submit(() -> cut.stopPosting(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));

        chat.archive.settleHeld();
        stopped.get(10, TimeUnit.SECONDS);
        stopper.shutdown();

        assertEquals("in flight", bobSink.next("message").getString("text"));
        aliceSink.next("message");
        cut.post(alice, new Command.Say("lobby", "late", "r2"));
        assertEquals("internal", aliceSink.next("error").getString("code"));
    }

    static PostsSettled stored(long seq, String text) {
        Event.Message message = new Event.Message("lobby", seq, "alice", text, AT, null);
        return new PostsSettled(List.of(new PostsSettled.Settled(-seq, new Receipt.Stored(message))));
    }

    static List<String> texts(RecordingSink sink, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(sink.next("message").getString("text"));
        }
        return texts;
    }
}
