package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.control.OutboxTest.HeldSink;
import dev.parley.chat.entity.Closing;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboundBudgetTest {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A client whose sends complete later, on a thread of their own, in the order they started. */
    static final class LaterSink implements FrameSink {
        final BlockingQueue<Consumer<Throwable>> pending;

        LaterSink(BlockingQueue<Consumer<Throwable>> pending) {
            this.pending = pending;
        }

        @Override
        public void sendText(String frame, Consumer<Throwable> done) {
            pending.add(done);
        }

        @Override
        public void close(CloseReason reason) {}
    }

    /**
     * Eight threads queue frames to outboxes of their own while a ninth completes sends, and every outbox ends
     * closed by one of the three ways a connection ends (the server closes it, it is refused after its error, the
     * session is gone) with frames still queued and sends still in flight, whose completions come after the close.
     * Once the last completion has run, the total is zero again: no closed connection keeps chars counted.
     */
    @Test
    void theTotalReturnsToZeroWhenEveryConnectionHasClosedWhateverWasQueued() throws Exception {
        OutboundBudget cut = new OutboundBudget(Long.MAX_VALUE);
        BlockingQueue<Consumer<Throwable>> pending = new LinkedBlockingQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(9);
        AtomicLong highest = new AtomicLong();
        CountDownLatch queuers = new CountDownLatch(8);
        try {
            Future<?> completer = threads.submit(() -> {
                while (queuers.getCount() > 0 || !pending.isEmpty()) {
                    Consumer<Throwable> done = pending.poll(10, TimeUnit.MILLISECONDS);
                    if (done != null) {
                        done.accept(null);
                    }
                }
                return null;
            });
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                work.add(threads.submit(() -> {
                    try {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        for (int c = 0; c < 200; c++) {
                            Outbox outbox = new Outbox(
                                    new LaterSink(pending),
                                    Runnable::run,
                                    1000,
                                    1 << 20,
                                    cut,
                                    code -> {},
                                    Batching.OFF);
                            for (int f = 0, frames = random.nextInt(1, 40); f < frames; f++) {
                                outbox.offer("x".repeat(random.nextInt(1, 500)));
                                highest.accumulateAndGet(cut.queuedChars(), Math::max);
                            }
                            switch (c % 3) {
                                case 0 -> outbox.closeNow(Closing.TOO_SLOW.reason("test"));
                                case 1 -> outbox.closeAfterFlush(Closing.NAME_TAKEN.reason("test"));
                                default -> outbox.discard();
                            }
                            if (c % 3 == 1) {
                                outbox.discard(); // the session of a refused connection ends too
                            }
                        }
                    } finally {
                        queuers.countDown();
                    }
                }));
            }
            for (Future<?> each : work) {
                each.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            completer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertTrue(highest.get() > 0, "nothing was ever counted");
        assertEquals(0, cut.queuedChars(), "chars counted for connections that are gone");
    }

    @Test
    void passingTheBudgetClosesTheFattestQueuesFirstAndNoMoreThanNeeded() {
        OutboundBudget cut = new OutboundBudget(1000);
        HeldSink fat = new HeldSink();
        HeldSink fatter = new HeldSink();
        HeldSink thin = new HeldSink();
        List<Integer> closes = new ArrayList<>();
        Outbox fatQueue = new Outbox(fat, Runnable::run, 1000, 1 << 20, cut, closes::add, Batching.OFF);
        Outbox fatterQueue = new Outbox(fatter, Runnable::run, 1000, 1 << 20, cut, closes::add, Batching.OFF);
        Outbox thinQueue = new Outbox(thin, Runnable::run, 1000, 1 << 20, cut, closes::add, Batching.OFF);
        fatQueue.offer("f".repeat(300));
        fatterQueue.offer("F".repeat(300));
        fatterQueue.offer("F".repeat(300));
        thinQueue.offer("t".repeat(50));
        assertEquals(950, cut.queuedChars());
        assertTrue(closes.isEmpty(), "closed within the budget: " + closes);

        thinQueue.offer("t".repeat(100));

        assertEquals(List.of(Closing.TOO_SLOW.getCode()), closes, "one close brings the total under the budget");
        assertTrue(fatterQueue.isClosed(), "the fattest queue was not the one closed");
        assertEquals(
                Closing.TOO_SLOW.getCode(), fatter.closed.join().getCloseCode().getCode());
        assertFalse(fatQueue.isClosed());
        assertFalse(thinQueue.isClosed(), "the queue that passed the budget was closed, not the fattest");
        assertEquals(450, cut.queuedChars(), "the closed queue's chars were counted still");

        fatQueue.offer("f".repeat(600));
        assertTrue(fatQueue.isClosed(), "the fattest after the first close");
        assertFalse(thinQueue.isClosed());
        assertEquals(150, cut.queuedChars());

        thin.completeOne();
        thin.completeOne();
        assertEquals(0, cut.queuedChars(), "sent frames leave the total");
    }

    /**
     * Four threads, each with a stuck client and four that keep up, queue into one budget at once: the budget is
     * passed on any of them, and only the stuck queues are closed, whichever thread trims. (Each client that keeps
     * up is written by one thread: a queue that several threads fill while its writer is descheduled can really
     * grow longest, and would rightly be closed.)
     */
    @Test
    void underConcurrentPressureOnlyTheGrowingQueuesAreClosed() throws Exception {
        OutboundBudget cut = new OutboundBudget(100_000);
        List<Outbox> stuck = new ArrayList<>();
        List<List<Outbox>> keepingUp = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            stuck.add(
                    new Outbox(new HeldSink(), Runnable::run, 100_000, Long.MAX_VALUE, cut, code -> {}, Batching.OFF));
            List<Outbox> own = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                own.add(new Outbox(
                        new RecordingSink(), Runnable::run, 100_000, Long.MAX_VALUE, cut, code -> {}, Batching.OFF));
            }
            keepingUp.add(own);
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Outbox one = stuck.get(t);
                List<Outbox> own = keepingUp.get(t);
                work.add(threads.submit(() -> {
                    for (int f = 0; f < 2000 && !one.isClosed(); f++) {
                        one.offer("s".repeat(100));
                        own.forEach(each -> each.offer("k".repeat(100)));
                    }
                }));
            }
            for (Future<?> each : work) {
                each.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertTrue(stuck.stream().allMatch(Outbox::isClosed), "a stuck queue outlived the budget");
        assertTrue(
                keepingUp.stream().flatMap(List::stream).noneMatch(Outbox::isClosed),
                "a client that keeps up was closed");
        assertEquals(0, cut.queuedChars());
    }
}
