package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import jakarta.websocket.CloseReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
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
    /*
     * Counters and flags are fields of the outbox itself, changed through VarHandles, not Atomic* objects: a broadcast
     * touches every member's outbox, and each Atomic* would be one more object to fetch per delivery (in a profile
     * of a 1,000-member fan-out, counting frames in and out was Parley's largest share of the server's CPU).
     */
    private static final VarHandle FRAMES, CHARS, WRITING, CLOSED, SEND_STATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FRAMES = lookup.findVarHandle(Outbox.class, "frames", int.class);
            CHARS = lookup.findVarHandle(Outbox.class, "chars", long.class);
            WRITING = lookup.findVarHandle(Outbox.class, "writing", boolean.class);
            CLOSED = lookup.findVarHandle(Outbox.class, "closed", boolean.class);
            SEND_STATE = lookup.findVarHandle(Send.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private volatile int frames;
    private volatile long chars;
    private volatile boolean writing;
    private volatile boolean closed;
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
        this.closedWith = closedWith;
        this.batching = batching;
        // the budget's own instance, not the container's proxy: every frame is counted there twice
        this.budget = budget.track(this);
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
        if (closed) {
            return false;
        }
        int queuedFrames = (int) FRAMES.getAndAdd(this, 1) + 1;
        long queuedChars = count(frame.length());
        if (queuedChars == RELEASED) {
            return false;
        }
        if (queuedFrames > maxFrames || queuedChars > maxChars) {
            closeNow(Closing.TOO_SLOW.reason("outbound queue overflowed"));
            return false;
        }
        queue.add(frame);
        if (closed) {
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
            before = chars;
            if (before == RELEASED) {
                return RELEASED;
            }
        } while (!CHARS.compareAndSet(this, before, before + delta));
        budget.add(delta);
        return before + delta;
    }

    /** Hands what is still counted here back to the budget, once: a send that completes later counts nothing. */
    private void release() {
        long held = (long) CHARS.getAndSet(this, RELEASED);
        budget.untrack(this, Math.max(0, held));
    }

    /** The chars queued and in flight here; zero once closed. */
    long queuedChars() {
        return Math.max(0, chars);
    }

    /** Whether half of this outbox's bound is taken: what can be left out (read receipts) is, for now. */
    boolean halfFull() {
        return queuedChars() > maxChars / 2;
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
        if (closed) {
            return;
        }
        queue.add(PING);
        startWriting();
    }

    /** Sends what is queued, then closes: how a refusal's error reaches the client before its close code. */
    public void closeAfterFlush(CloseReason reason) {
        if (closed) {
            return;
        }
        queue.add(reason);
        startWriting();
    }

    /** Drops whatever is queued and closes at once, off the caller's thread (a stuck socket may block a close). */
    public void closeNow(CloseReason reason) {
        if (CLOSED.compareAndSet(this, false, true)) {
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
        closed = true;
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
        return closed;
    }

    int queuedFrames() {
        return frames;
    }

    /** An idle writer starts now, or after the linger, when frames that come meanwhile join the first send. */
    private void startWriting() {
        if (WRITING.compareAndSet(this, false, true)) {
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
                writing = false;
                if (queue.isEmpty() || !WRITING.compareAndSet(this, false, true)) {
                    return;
                }
                continue;
            }
            if (closed) {
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
        private volatile int state; // PENDING until one side gets there
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
            FRAMES.getAndAdd(Outbox.this, -queuedFrames);
            count(-queuedChars);
            if (failure != null) {
                failed(failure);
                return;
            }
            if (!SEND_STATE.compareAndSet(this, PENDING, COMPLETED_INLINE)) {
                writeLoop();
            }
        }

        boolean continueOnThisThread() {
            return !SEND_STATE.compareAndSet(this, PENDING, CALLER_LEFT);
        }
    }
}
