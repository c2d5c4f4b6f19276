package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Closing;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** A session whose sends complete only when the test says so, like a client that reads slowly. */
    static class HeldSink implements FrameSink {
        final List<String> started = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();
        final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

        @Override
        public synchronized void sendText(String frame, Consumer<Throwable> done) {
            started.add(frame);
            pending.add(done);
        }

        void completeOne() {
            Consumer<Throwable> done;
            synchronized (this) {
                done = pending.remove(0);
            }
            done.accept(null);
        }

        @Override
        public void close(CloseReason reason) {
            closed.complete(reason);
        }
    }

    HeldSink sink = new HeldSink();
    Outbox cut = new Outbox(sink, Runnable::run, 3, 1000);

    @Test
    void sendsOneFrameAtATimeInOrder() {
        cut.offer("a");
        cut.offer("b");
        cut.offer("c");
        assertEquals(List.of("a"), sink.started);

        sink.completeOne();
        assertEquals(List.of("a", "b"), sink.started);
        sink.completeOne();
        sink.completeOne();
        assertEquals(List.of("a", "b", "c"), sink.started);
        assertTrue(sink.pending.isEmpty());
    }

    @Test
    void enqueueSendsNothingUntilFlushAndTheCloseCodeIsTold() {
        List<Integer> closes = new ArrayList<>();
        Outbox counted =
                new Outbox(sink, Runnable::run, 3, 1000, new OutboundBudget(Long.MAX_VALUE), closes::add, Batching.OFF);

        assertTrue(counted.enqueue("a"));
        assertTrue(counted.enqueue("b"));
        assertEquals(List.of(), sink.started, "a broadcast's thread only queues");

        counted.flush();
        counted.flush();
        assertEquals(List.of("a"), sink.started, "one send in flight however often flushed");
        sink.completeOne();
        assertEquals(List.of("a", "b"), sink.started, "the completion carries on");

        assertTrue(counted.enqueue("c"));
        assertTrue(counted.enqueue("d"));
        assertFalse(counted.enqueue("e"), "over the bound of 3 unsent frames");
        assertEquals(List.of(Closing.TOO_SLOW.getCode()), closes);
    }

    @Test
    void aQueueOverItsFrameBoundClosesWith4008AndTakesNoMore() {
        cut.offer("a");
        cut.offer("b");
        cut.offer("c");
        cut.offer("d");

        assertEquals(
                Closing.TOO_SLOW.getCode(), sink.closed.join().getCloseCode().getCode());
        assertTrue(cut.isClosed());
        sink.completeOne();
        assertEquals(List.of("a"), sink.started, "nothing queued is sent after the overflow");
    }

    @Test
    void aQueueOverItsSizeBoundClosesWith4008() {
        Outbox small = new Outbox(sink, Runnable::run, 1000, 10);
        small.offer("12345");
        small.offer("123456");
        assertEquals(4008, sink.closed.join().getCloseCode().getCode());
    }

    @Test
    void closeAfterFlushSendsWhatIsQueuedFirst() {
        cut.offer("error");
        cut.closeAfterFlush(Closing.NAME_TAKEN.reason("name_taken"));
        assertFalse(sink.closed.isDone());

        sink.completeOne();

        assertEquals(4003, sink.closed.join().getCloseCode().getCode());
    }

    @Test
    void sendsThatCompleteInsideSendTextDoNotGrowTheStack() {
        List<String> sent = new ArrayList<>();
        FrameSink immediate = new FrameSink() {
            public void sendText(String frame, Consumer<Throwable> done) {
                sent.add(frame);
                done.accept(null);
            }

            public void close(CloseReason reason) {}
        };
        Outbox outbox = new Outbox(immediate, Runnable::run, 200_000, Long.MAX_VALUE);
        for (int i = 0; i < 100_000; i++) {
            outbox.offer("f" + i);
        }
        assertEquals(100_000, sent.size());
        assertEquals(0, outbox.queuedFrames());
    }

    @Test
    void aFailedSendStopsTheWriterAndClosesRatherThanSkipAFrame() {
        cut.offer("a");
        cut.offer("b");
        Consumer<Throwable> first = sink.pending.remove(0);
        first.accept(new java.io.IOException("broken pipe"));

        assertTrue(cut.isClosed());
        assertEquals(List.of("a"), sink.started);
        assertEquals(1011, sink.closed.join().getCloseCode().getCode());
    }

    @Test
    void aPingIsReportedSentWhenItLeavesBehindTheFramesBeforeIt() {
        List<String> pings = new ArrayList<>();
        HeldSink pinging = new HeldSink() {
            @Override
            public void ping() {
                pings.add("sent");
            }
        };
        List<String> reported = new ArrayList<>();
        Outbox outbox = new Outbox(pinging, Runnable::run, 3, 1000);
        outbox.whenPingSent(() -> reported.add("sent"));
        outbox.offer("a");
        outbox.ping();
        assertEquals(List.of(), reported, "queued behind a");

        pinging.completeOne();
        assertEquals(List.of("sent"), pings);
        assertEquals(List.of("sent"), reported);
    }

    /** An outbox that batches into arrays of at most {@code maxChars}, sending at once. */
    private Outbox batching(long maxChars) {
        return batching(sink, new Batching(maxChars, Duration.ZERO, Batching.OFF.later()));
    }

    private static Outbox batching(FrameSink sink, Batching batching) {
        return new Outbox(sink, Runnable::run, 1000, 1 << 20, new OutboundBudget(Long.MAX_VALUE), code -> {}, batching);
    }

    @Test
    void aBatchingClientGetsWhatQueuedDuringASendAsOneArrayInOrder() {
        Outbox batched = batching(1000);
        batched.offer("{\"n\":1}");
        batched.offer("{\"n\":2}");
        batched.offer("{\"n\":3}");
        batched.offer("{\"n\":4}");
        assertEquals(List.of("{\"n\":1}"), sink.started, "a frame alone in the queue goes as it is");

        sink.completeOne();

        assertEquals(List.of("{\"n\":1}", "[{\"n\":2},{\"n\":3},{\"n\":4}]"), sink.started);
        sink.completeOne();
        assertEquals(0, batched.queuedFrames(), "the array's completion counts each of its frames as sent");
        assertEquals(0, batched.queuedChars());
    }

    @Test
    void anArrayStaysWithinItsSizeAndALargerEventGoesAlone() {
        Outbox batched = batching(12);
        batched.offer("hold");
        batched.enqueue("aaaa");
        batched.enqueue("bbbb");
        batched.enqueue("cccc");
        batched.enqueue("a-frame-longer-than-12");
        batched.enqueue("dddd");

        for (int i = 0; i < 4; i++) {
            sink.completeOne();
        }

        assertEquals(List.of("hold", "[aaaa,bbbb]", "cccc", "a-frame-longer-than-12", "dddd"), sink.started);
    }

    @Test
    void aPingOrACloseEndsAnArrayAndKeepsItsPlace() {
        List<String> pings = new ArrayList<>();
        HeldSink pinging = new HeldSink() {
            @Override
            public void ping() {
                pings.add("after " + started.size() + " frames");
            }
        };
        Outbox batched = batching(pinging, new Batching(1000, Duration.ZERO, Batching.OFF.later()));
        batched.offer("a");
        batched.enqueue("b");
        batched.enqueue("c");
        batched.ping();
        batched.enqueue("d");
        batched.closeAfterFlush(Closing.TOO_SLOW.reason("bye"));
        batched.enqueue("never");

        pinging.completeOne();
        assertEquals(List.of("a", "[b,c]"), pinging.started);
        pinging.completeOne();
        assertEquals(List.of("after 2 frames"), pings);
        assertEquals(List.of("a", "[b,c]", "d"), pinging.started);
        pinging.completeOne();
        assertEquals(4008, pinging.closed.join().getCloseCode().getCode());
        assertEquals(List.of("a", "[b,c]", "d"), pinging.started);
    }

    @Test
    void aLingeringWriterWaitsForMoreFramesOnlyWhenIdle() {
        List<Runnable> timers = new ArrayList<>();
        List<Duration> delays = new ArrayList<>();
        Outbox lingering = batching(sink, new Batching(1000, Duration.ofMillis(5), (delay, task) -> {
            delays.add(delay);
            timers.add(task);
        }));
        lingering.offer("a");
        lingering.offer("b");
        lingering.flush();
        assertEquals(List.of(), sink.started, "the writer lingers");
        assertEquals(List.of(Duration.ofMillis(5)), delays, "one timer however many frames came meanwhile");

        timers.remove(0).run();
        assertEquals(List.of("[a,b]"), sink.started);
        lingering.offer("c");
        sink.completeOne();
        assertEquals(List.of("[a,b]", "c"), sink.started, "a busy writer goes on without lingering");
        assertTrue(timers.isEmpty());

        sink.completeOne();
        lingering.offer("d");
        assertEquals(1, timers.size(), "idle again: the next frame lingers");
    }

    @Test
    void aClientThatDidNotAskForBatchesGetsOneEventPerFrame() {
        cut.offer("a");
        cut.offer("b");
        cut.offer("c");
        sink.completeOne();
        sink.completeOne();
        assertEquals(List.of("a", "b", "c"), sink.started);
    }
}
