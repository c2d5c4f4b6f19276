package dev.parley.history.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The committer on its real thread: what queues during a commit goes into the next transaction, in order. */
class CommitterTest {

    final List<List<String>> transactions = new ArrayList<>();
    final BlockingQueue<Committer.Settled<String, String>> settled = new LinkedBlockingQueue<>();
    final CountDownLatch firstCommitStarted = new CountDownLatch(1);
    final CountDownLatch letFirstCommitFinish = new CountDownLatch(1);
    Committer<String, String> cut;

    @AfterEach
    void stop() {
        letFirstCommitFinish.countDown();
        if (cut != null) {
            cut.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void whatQueuesDuringACommitIsWrittenInTheNextTransactionInQueueOrder() throws InterruptedException {
        fourArriveWhileTheFirstCommits(64);

        synchronized (transactions) {
            assertEquals(List.of(List.of("a"), List.of("b", "c", "d", "e")), transactions);
        }
    }

    @Test
    void aTransactionHoldsAtMostTheLargestBatch() throws InterruptedException {
        fourArriveWhileTheFirstCommits(3);

        synchronized (transactions) {
            assertEquals(List.of(List.of("a"), List.of("b", "c", "d"), List.of("e")), transactions);
        }
    }

    private void fourArriveWhileTheFirstCommits(int maxBatch) throws InterruptedException {
        cut = committer(this::recordTogether, maxBatch);
        cut.start();
        cut.submit("a");
        assertTrue(firstCommitStarted.await(10, TimeUnit.SECONDS));
        List.of("b", "c", "d", "e").forEach(cut::submit);
        letFirstCommitFinish.countDown();

        assertEquals(List.of("a", "b", "c", "d", "e"), results(5));
    }

    @Test
    void aFailedBatchIsWrittenItemByItemSoOnlyTheBadItemFails() throws InterruptedException {
        cut = new Committer<>(
                batch -> {
                    recordTogether(batch);
                    if (batch.contains("bad")) {
                        throw new IllegalStateException("unique key");
                    }
                    return batch.stream().map(item -> "stored " + item).toList();
                },
                item -> {
                    if (item.equals("bad")) {
                        throw new IllegalStateException("unique key");
                    }
                    recordTogether(List.of(item));
                    return "alone " + item;
                },
                (item, reason) -> "failed " + item,
                failure -> failure.getMessage().equals("unique key"),
                batch -> settled.addAll(batch),
                64,
                Thread::new);
        cut.start();
        cut.submit("a");
        assertTrue(firstCommitStarted.await(10, TimeUnit.SECONDS));
        List.of("b", "bad", "c").forEach(cut::submit);
        letFirstCommitFinish.countDown();

        assertEquals(List.of("alone a", "alone b", "failed bad", "alone c"), results(4));
    }

    @Test
    void aBatchThatFailsForAnyOtherReasonFailsWholeWithoutTryingEachItemAgain() throws InterruptedException {
        List<String> alone = new ArrayList<>();
        cut = new Committer<>(
                batch -> {
                    recordTogether(batch);
                    if (batch.size() > 1) {
                        throw new IllegalStateException("connection refused");
                    }
                    return batch;
                },
                item -> {
                    alone.add(item);
                    return recordTogether(List.of(item)).get(0);
                },
                (item, reason) -> "failed " + item + ": " + reason,
                failure -> failure.getMessage().equals("unique key"),
                batch -> settled.addAll(batch),
                64,
                Thread::new);
        cut.start();
        cut.submit("a");
        assertTrue(firstCommitStarted.await(10, TimeUnit.SECONDS));
        List.of("b", "c").forEach(cut::submit);
        letFirstCommitFinish.countDown();

        assertEquals(List.of("a", "failed b: connection refused", "failed c: connection refused"), results(3));
        assertEquals(List.of("a"), alone, "only the first, which came alone");
    }

    @Test
    void anErrorFailsItsBatchAndTheCommitterGoesOn() throws InterruptedException {
        cut = new Committer<>(
                batch -> {
                    throw new AssertionError("not a RuntimeException");
                },
                item -> {
                    if (item.equals("a")) {
                        throw new StackOverflowError();
                    }
                    return "alone " + item;
                },
                (item, reason) -> "failed " + item,
                failure -> true,
                batch -> settled.addAll(batch),
                64,
                Thread::new);
        cut.start();
        cut.submit("a");
        assertEquals(List.of("failed a"), results(1));
        cut.submit("b");
        assertEquals(List.of("alone b"), results(1), "the committer is still there");
    }

    @Test
    void stoppingFailsWhatCouldNotBeWritten() throws InterruptedException {
        cut = committer(this::recordTogether, 64);
        cut.start();
        cut.submit("a");
        assertTrue(firstCommitStarted.await(10, TimeUnit.SECONDS));
        cut.submit("b");

        cut.stop(Duration.ofMillis(50));

        assertEquals(List.of("failed b"), results(1), "b is failed at once, never written");
        letFirstCommitFinish.countDown();
        assertEquals(List.of("a"), results(1), "a is not interrupted: its write ends, and its result comes");
        cut.submit("c");
        assertEquals(List.of("failed c"), results(1), "nothing is queued once stopped");
    }

    @Test
    void aBatchHoldsAtLeastOneItem() {
        assertThrows(IllegalArgumentException.class, () -> committer(batch -> batch, 0));
    }

    private Committer<String, String> committer(Function<List<String>, List<String>> together, int maxBatch) {
        return new Committer<>(
                together,
                item -> together.apply(List.of(item)).get(0),
                (item, reason) -> "failed " + item,
                failure -> true,
                batch -> settled.addAll(batch),
                maxBatch,
                Thread::new);
    }

    private List<String> recordTogether(List<String> batch) {
        synchronized (transactions) {
            transactions.add(List.copyOf(batch));
        }
        firstCommitStarted.countDown();
        try {
            assertTrue(letFirstCommitFinish.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return List.copyOf(batch);
    }

    private List<String> results(int count) throws InterruptedException {
        List<String> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Committer.Settled<String, String> next = settled.poll(10, TimeUnit.SECONDS);
            assertNotNull(next, "only " + results + " within 10 s");
            results.add(next.result());
        }
        return results;
    }
}
