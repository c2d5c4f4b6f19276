package dev.parley.history.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    final List<String> alone = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch firstCommitMayEnd = new CountDownLatch(1);
    final CountDownLatch firstCommitStarted = new CountDownLatch(1);
    final ExecutorService callers = Executors.newCachedThreadPool();
    volatile String failsAlone;
    volatile boolean batchesFail;

    GroupCommit<String, String> cut = new GroupCommit<>(this::writeTogether, this::writeAlone, 3);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void aCallerAloneWritesAlone() {
        firstCommitMayEnd.countDown();

        assertEquals("stored a", cut.submit("a"));
        assertEquals("stored b", cut.submit("b"));
        assertEquals(List.of("a", "b"), alone);
        assertEquals(List.of(), batches);
    }

    @Test
    void whatArrivesDuringACommitIsWrittenInTheNextOneTogether() throws Exception {
        Future<String> first = callers.submit(() -> cut.submit("a"));
        firstCommitStarted.await(10, TimeUnit.SECONDS);
        List<Future<String>> queued = new ArrayList<>();
        for (String item : List.of("b", "c", "d", "e")) {
            queued.add(callers.submit(() -> cut.submit(item)));
        }
        Poll.until(Duration.ofSeconds(10), () -> cut.waiting() == 4, "the callers queued up");
        firstCommitMayEnd.countDown();

        assertEquals("stored a", first.get(10, TimeUnit.SECONDS));
        List<String> results = new ArrayList<>();
        for (Future<String> result : queued) {
            results.add(result.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, batches.size(), "one transaction for what waited, one for what did not fit");
        List<String> together = batches.get(0);
        assertEquals(3, together.size(), "at most three in one transaction");
        String left = List.of("b", "c", "d", "e").stream()
                .filter(item -> !together.contains(item))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of("a", left), alone);
        for (int i = 0; i < results.size(); i++) {
            String item = String.valueOf("bcde".charAt(i));
            assertEquals(
                    (together.contains(item) ? "together " : "stored ") + item,
                    results.get(i),
                    "each caller gets its own item's result");
        }
    }

    @Test
    void aFailedBatchIsWrittenItemByItemSoOnlyTheBadItemFails() throws Exception {
        batchesFail = true;
        failsAlone = "c";
        Future<String> first = callers.submit(() -> cut.submit("a"));
        firstCommitStarted.await(10, TimeUnit.SECONDS);
        List<Future<String>> queued = new ArrayList<>();
        for (String item : List.of("b", "c", "d")) {
            queued.add(callers.submit(() -> cut.submit(item)));
        }
        Poll.until(Duration.ofSeconds(10), () -> cut.waiting() == 3, "the callers queued up");
        firstCommitMayEnd.countDown();

        assertEquals("stored a", first.get(10, TimeUnit.SECONDS));
        assertEquals("stored b", queued.get(0).get(10, TimeUnit.SECONDS));
        Exception failed = assertThrows(Exception.class, () -> queued.get(1).get(10, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof CompletionException, failed.toString());
        assertEquals("c is bad", failed.getCause().getCause().getMessage());
        assertEquals("stored d", queued.get(2).get(10, TimeUnit.SECONDS));
        assertEquals(1, batches.size());
        assertEquals(List.of("b", "c", "d"), batches.get(0).stream().sorted().toList());
        assertEquals(List.of("a", "b", "c", "d"), alone.stream().sorted().toList());
    }

    @Test
    void aBatchHoldsAtLeastOneItem() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new GroupCommit<String, String>(this::writeTogether, this::writeAlone, 0));
    }

    private List<String> writeTogether(List<String> items) {
        batches.add(List.copyOf(items));
        if (batchesFail) {
            throw new IllegalStateException("the batch rolled back");
        }
        return items.stream().map(item -> "together " + item).toList();
    }

    private String writeAlone(String item) {
        alone.add(item);
        if (item.equals("a")) {
            firstCommitStarted.countDown();
            try {
                if (!firstCommitMayEnd.await(10, TimeUnit.SECONDS)) {
                    fail("the test never let the first commit end");
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (item.equals(failsAlone)) {
            throw new IllegalStateException(item + " is bad");
        }
        return "stored " + item;
    }
}
