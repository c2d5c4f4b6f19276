package dev.parley.chat.control;

import java.util.function.LongSupplier;

/** A token bucket: {@code perSecond} tokens a second, at most {@code burst} saved up. */
public final class RateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long refilledAt;

    public RateLimiter(double perSecond, int burst, LongSupplier nanoClock) {
        this.perNano = perSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    public RateLimiter(double perSecond, int burst) {
        this(perSecond, burst, System::nanoTime);
    }

    /** Whether the bucket has refilled to its burst: it has not been used for a while. */
    public synchronized boolean isFull() {
        return tokens + (nanoClock.getAsLong() - refilledAt) * perNano >= burst;
    }

    public boolean tryAcquire() {
        return tryTake(1);
    }

    /**
     * Takes {@code cost} tokens if the bucket holds at least one: a cost larger than what is left (or than the
     * burst) still goes through once, and leaves the bucket in debt until the rate has paid it back. For costs only
     * known as they are spent, such as the characters of a reply.
     */
    public synchronized boolean tryTake(long cost) {
        refill();
        if (tokens < 1) {
            return false;
        }
        tokens -= cost;
        return true;
    }

    /**
     * Gives back {@code tokens} taken before and not spent after all (a reservation larger than what was used);
     * never more than the burst.
     */
    public synchronized void giveBack(long tokens) {
        refill();
        this.tokens = Math.min(burst, this.tokens + tokens);
    }

    /** Nothing is taken for {@code nanos} from now: the bucket is emptied into that much debt (never less). */
    public synchronized void holdOff(long nanos) {
        refill();
        tokens = Math.min(tokens, 1 - nanos * perNano);
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
        refilledAt = now;
    }
}
