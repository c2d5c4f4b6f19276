package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import jakarta.websocket.CloseReason;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connection's outbound queue. Anyone may {@link #offer} a frame without blocking; exactly one writer at a
 * time sends, one frame in flight, and the next send starts from the completion of the previous one, so a slow
 * client holds no thread and never delays a room. A queue over its bound closes its client with 4008.
 *
 * <p>Sizes are counted in UTF-16 chars, which bounds the bytes held in memory the way the setting intends. Every
 * change of the count is also told to the server's {@link OutboundBudget}, and a closed outbox hands back what it
 * still held, so the budget's total cannot keep chars of connections that are gone.
 *
 * <p>For a client that asked for batched frames, the writer sends what queued while the last send was in flight as
 * one JSON array (see {@link Batching}): under load a member then gets one frame per send instead of one per event.
 */
public final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    private static final Object PING = new Object();
    /** The value of {@code chars} once released: nothing is counted here any more. */
    private static final long RELEASED = -1;

    private final FrameSink sink;
    private final Executor closer;
    private final int maxFrames;
    private final long maxChars;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger frames = new AtomicInteger();
    private final AtomicLong chars = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final IntConsumer closedWith;
    private final OutboundBudget budget;
    private final Batching batching;
    private volatile Runnable pingSent = () -> {};

    /** An outbox with a budget of its own, no other outbox's queue counted against it. */
    public Outbox(FrameSink sink, Executor closer, int maxFrames, long maxChars) {
        this(sink, closer, maxFrames, maxChars, new OutboundBudget(Long.MAX_VALUE), code -> {}, Batching.OFF);
    }

    /**
     * @param budget     the server's budget of queued chars across every outbox, which may close this one
     * @param closedWith told the close code once, when the server closes this connection (for the metrics)
     * @param batching   how this connection's frames are batched, {@link Batching#OFF} for one event per frame
     */
    public Outbox(
            FrameSink sink,
            Executor closer,
            int maxFrames,
            long maxChars,
            OutboundBudget budget,
            IntConsumer closedWith,
            Batching batching) {
        this.sink = sink;
        this.closer = closer;
        this.maxFrames = maxFrames;
        this.maxChars = maxChars;
        this.budget = budget;
        this.closedWith = closedWith;
        this.batching = batching;
        budget.track(this);
    }

    /** Queues the frame and, if no send is in flight, sends it on this thread. */
    public void offer(String frame) {
        if (enqueue(frame)) {
            startWriting();
        }
    }

    /**
     * Queues the frame without starting a send: a broadcast queues to every member while it holds its room's lock
     * and leaves the sending to {@link #flush} on a writer thread.
     *
     * @return false when the outbox is closed or the frame overflowed it
     */
    public boolean enqueue(String frame) {
        if (closed.get()) {
            return false;
        }
        int queuedFrames = frames.incrementAndGet();
        long queuedChars = count(frame.length());
        if (queuedChars == RELEASED) {
            return false;
        }
        if (queuedFrames > maxFrames || queuedChars > maxChars) {
            closeNow(Closing.TOO_SLOW.reason("outbound queue overflowed"));
            return false;
        }
        queue.add(frame);
        if (closed.get()) {
            // closed meanwhile, e.g. by the budget this frame passed: nothing here will be sent
            queue.clear();
            return false;
        }
        return true;
    }

    /**
     * Adds {@code delta} to the chars queued here and to the budget's total, unless this outbox is released.
     *
     * @return the chars queued here now, or {@link #RELEASED}
     */
    private long count(long delta) {
        long before;
        do {
            before = chars.get();
            if (before == RELEASED) {
                return RELEASED;
            }
        } while (!chars.compareAndSet(before, before + delta));
        budget.add(delta);
        return before + delta;
    }

    /** Hands what is still counted here back to the budget, once: a send that completes later counts nothing. */
    private void release() {
        long held = chars.getAndSet(RELEASED);
        budget.untrack(this, Math.max(0, held));
    }

    /** The chars queued and in flight here; zero once closed. */
    long queuedChars() {
        return Math.max(0, chars.get());
    }

    /** Starts sending what is queued, unless a send is already in flight (its completion carries on). */
    public void flush() {
        startWriting();
    }

    /** Told when a ping {@linkplain #ping queued} here has been handed to the client's socket. */
    public void whenPingSent(Runnable listener) {
        pingSent = listener;
    }

    /** Queues a ping behind the frames already queued; the single writer sends it. */
    public void ping() {
        if (closed.get()) {
            return;
        }
        queue.add(PING);
        startWriting();
    }

    /** Sends what is queued, then closes: how a refusal's error reaches the client before its close code. */
    public void closeAfterFlush(CloseReason reason) {
        if (closed.get()) {
            return;
        }
        queue.add(reason);
        startWriting();
    }

    /** Drops whatever is queued and closes at once, off the caller's thread (a stuck socket may block a close). */
    public void closeNow(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            release();
            closedWith.accept(reason.getCloseCode().getCode());
            try {
                closer.execute(() -> sink.close(reason));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the container's executor is stopping (shutdown): close on this thread instead
                sink.close(reason);
            }
        }
    }

    /** The session is gone: stop writing and let go of what is queued. */
    public void discard() {
        closed.set(true);
        queue.clear();
        release();
    }

    /**
     * A send failed: the client is gone or the container refused the frame. Either way nothing more can be
     * delivered in order, so the connection is closed rather than left open with frames missing.
     */
    private void failed(Throwable failure) {
        LOG.log(Level.FINE, "a send failed; closing the connection", failure);
        closeNow(Closing.INTERNAL_ERROR.reason("a frame could not be sent"));
    }

    public boolean isClosed() {
        return closed.get();
    }

    int queuedFrames() {
        return frames.get();
    }

    /** An idle writer starts now, or after the linger, when frames that come meanwhile join the first send. */
    private void startWriting() {
        if (writing.compareAndSet(false, true)) {
            if (batching.lingers()) {
                batching.later().after(batching.linger(), this::writeLoop);
            } else {
                writeLoop();
            }
        }
    }

    /** Runs only while holding {@code writing}; returns when the queue is empty or a send completes later. */
    private void writeLoop() {
        while (true) {
            Object next = queue.poll();
            if (next == null) {
                writing.set(false);
                if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            if (closed.get()) {
                queue.clear();
                return;
            }
            if (next instanceof CloseReason reason) {
                closeNow(reason);
                return;
            }
            if (next == PING) {
                try {
                    sink.ping();
                } catch (java.io.IOException | RuntimeException failure) {
                    failed(failure);
                    return;
                }
                pingSent.run();
                continue;
            }
            Send send = sendFrom((String) next);
            sink.sendText(send.frame, send);
            if (!send.continueOnThisThread()) {
                return;
            }
        }
    }

    /**
     * The send that starts with {@code first}: for a batching client, every frame queued behind it that fits joins
     * it in one array, up to the first ping or close, which keep their place in the order.
     */
    private Send sendFrom(String first) {
        long limit = batching.maxChars();
        if (!batching.on()
                || !(queue.peek() instanceof String second)
                || first.length() + second.length() + 3 > limit) {
            return new Send(first, 1, first.length());
        }
        StringBuilder array =
                new StringBuilder((int) Math.min(limit, 8192)).append('[').append(first);
        int frames = 1;
        long counted = first.length();
        while (queue.peek() instanceof String more && array.length() + more.length() + 2 <= limit) {
            if (queue.poll() != more) {
                break; // only a close clears the queue under the writer: nothing more will be sent
            }
            array.append(',').append(more);
            frames++;
            counted += more.length();
        }
        return new Send(array.append(']').toString(), frames, counted);
    }

    /**
     * One send in flight. A container may complete a send inside {@code sendText} or later on another thread;
     * whichever of the two sides gets there second carries on writing, so the queue never stalls and the stack
     * never grows with the queue.
     */
    private final class Send implements java.util.function.Consumer<Throwable> {

        private static final int PENDING = 0, COMPLETED_INLINE = 1, CALLER_LEFT = 2;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        private final String frame;
        private final int queuedFrames;
        private final long queuedChars;

        /** @param queuedFrames how many queued frames this one sends, {@code queuedChars} their size as counted */
        Send(String frame, int queuedFrames, long queuedChars) {
            this.frame = frame;
            this.queuedFrames = queuedFrames;
            this.queuedChars = queuedChars;
        }

        @Override
        public void accept(Throwable failure) {
            frames.addAndGet(-queuedFrames);
            count(-queuedChars);
            if (failure != null) {
                failed(failure);
                return;
            }
            if (!state.compareAndSet(PENDING, COMPLETED_INLINE)) {
                writeLoop();
            }
        }

        boolean continueOnThisThread() {
            return !state.compareAndSet(PENDING, CALLER_LEFT);
        }
    }
}
