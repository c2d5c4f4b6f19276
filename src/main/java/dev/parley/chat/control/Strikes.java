package dev.parley.chat.control;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The refusals for rate of one connection. A client that backs off is refused a few times and then gets through;
 * one that is refused {@code limit} times within {@code window} keeps sending regardless, and every further
 * command of it would cost the server a parse and an error frame for nothing. The times of the last {@code limit}
 * refusals are made at the first refusal, so a connection that keeps to its rate holds none.
 */
final class Strikes {

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private long[] times;
    private int next;
    private int count;

    /** @param limit the refusals within the window that end the connection; 0 or less: never */
    Strikes(int limit, Duration window, LongSupplier nanoClock) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Counts one refusal; true when it is the {@code limit}-th within the window. */
    synchronized boolean strike() {
        if (limit <= 0) {
            return false;
        }
        long now = nanoClock.getAsLong();
        if (times == null) {
            times = new long[limit];
        }
        times[next] = now;
        next = (next + 1) % limit;
        count = Math.min(count + 1, limit);
        // with all slots used, times[next] is the oldest of the last `limit` refusals, this one included
        return count == limit && now - times[next] < windowNanos;
    }
}
