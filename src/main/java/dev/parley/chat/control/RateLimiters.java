package dev.parley.chat.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A {@link RateLimiter} per key (a user key, a client address), made at the key's first use; a bucket that has
 * refilled to its burst says nothing a new one would not, so it is forgotten, and the map holds only the keys used
 * lately.
 */
public final class RateLimiters {

    private static final long SECONDS_PER_HOUR = 3600;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double perSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private final long forgetEvery;
    private final Map<String, RateLimiter> byKey = new ConcurrentHashMap<>();
    private volatile long forgotAt;

    public RateLimiters(double perSecond, int burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        // often enough that a flood of keys cannot pile up, rarely enough that the sweep costs nothing
        this.forgetEvery = NANOS_PER_SECOND * 10;
        this.forgotAt = nanoClock.getAsLong();
    }

    /** {@code count} an hour, all of them at once if saved up. */
    public static RateLimiters perHour(int count) {
        return new RateLimiters((double) count / SECONDS_PER_HOUR, count, System::nanoTime);
    }

    public boolean tryAcquire(String key) {
        return tryTake(key, 1);
    }

    /** {@link RateLimiter#tryTake}: {@code cost} tokens of the key's bucket, if it is not in debt. */
    public boolean tryTake(String key, long cost) {
        forgetFullBuckets();
        return bucket(key).tryTake(cost);
    }

    /** {@link RateLimiter#giveBack}: tokens the key took and did not use. */
    public void giveBack(String key, long tokens) {
        if (tokens > 0) {
            bucket(key).giveBack(tokens);
        }
    }

    /** {@link RateLimiter#holdOff}: nothing is taken from the key's bucket for {@code nanos} from now. */
    public void holdOff(String key, long nanos) {
        forgetFullBuckets();
        bucket(key).holdOff(nanos);
    }

    private RateLimiter bucket(String key) {
        return byKey.computeIfAbsent(key, absent -> new RateLimiter(perSecond, burst, nanoClock));
    }

    /** Keys with a bucket that is not full. */
    public int keys() {
        return byKey.size();
    }

    private void forgetFullBuckets() {
        long now = nanoClock.getAsLong();
        if (now - forgotAt > forgetEvery) {
            forgotAt = now;
            byKey.values().removeIf(RateLimiter::isFull);
        }
    }
}
