package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * One budget of queued outbound chars across every connection ({@code parley.outbound.total-chars}). Each outbox is
 * bounded on its own, but its bound times the connections allowed is far more than a heap: when the total passes
 * the budget, the outboxes holding the most are closed with 4008 until it is back under, so the slowest readers go
 * first and a client that keeps up, whose queue stays short, stays.
 *
 * <p>A frame broadcast to a room is one string in memory but counts once per recipient: the budget overstates the
 * heap it guards, never understates it.
 */
@ApplicationScoped
public class OutboundBudget {

    private static final Logger LOG = Logger.getLogger(OutboundBudget.class.getName());

    /** Reads each queue's count as it is: max tolerates counts that change meanwhile, a sort does not. */
    private static final Comparator<Outbox> BY_QUEUED = Comparator.comparingLong(Outbox::queuedChars);

    private final AtomicLong total = new AtomicLong();
    private final Set<Outbox> outboxes = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean trimming = new AtomicBoolean();
    private long limit;

    public OutboundBudget() {}

    OutboundBudget(long limit) {
        this.limit = limit;
    }

    @PostConstruct
    void readSettings() {
        limit = ChatLimits.from(Settings.fromEnvironment()).outboundTotalChars();
    }

    /** The chars queued or in flight in every open outbox. */
    public long queuedChars() {
        return total.get();
    }

    /**
     * Starts counting the outbox's queue against the budget.
     *
     * @return this budget itself: called through the container's proxy, the bean instance, which the outbox then
     *     counts its frames with directly, sparing a proxy call per frame
     */
    OutboundBudget track(Outbox outbox) {
        outboxes.add(outbox);
        return this;
    }

    /** The outbox is closed: what it still counted leaves the total. */
    void untrack(Outbox outbox, long held) {
        outboxes.remove(outbox);
        total.addAndGet(-held);
    }

    /** Counts a change of one outbox's queue; past the budget, trims. Only then is any outbox looked at. */
    void add(long delta) {
        if (total.addAndGet(delta) > limit && delta > 0) {
            trim();
        }
    }

    /**
     * Closes the outboxes that hold the most until the total is under the budget again. One thread trims at a time;
     * others that pass the budget meanwhile go on, as the trimming thread looks at the total after every close.
     */
    private void trim() {
        if (!trimming.compareAndSet(false, true)) {
            return;
        }
        try {
            // the fattest is looked up again before each close: queues grow while this runs, and one that was short
            // a moment ago may be the longest now (a snapshot sorted once closed clients that kept up)
            int closed = 0;
            while (total.get() > limit) {
                Optional<Outbox> fattest = outboxes.stream()
                        .filter(outbox -> outbox.queuedChars() > 0)
                        .max(BY_QUEUED);
                if (fattest.isEmpty()) {
                    break;
                }
                fattest.get().closeNow(Closing.TOO_SLOW.reason("the server's outbound budget is spent"));
                // closing untracks it, unless another thread is closing it already: then it is not looked at again
                outboxes.remove(fattest.get());
                closed++;
            }
            if (closed > 0) {
                LOG.info("outbound budget parley.outbound.total-chars=" + limit + " passed: closed " + closed
                        + " connection(s) with the longest queues (4008)");
            }
        } finally {
            trimming.set(false);
        }
    }
}
