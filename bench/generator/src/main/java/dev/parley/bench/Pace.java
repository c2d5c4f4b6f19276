package dev.parley.bench;

/**
 * A token bucket with the shape of one of Parley's per-connection rate limits (a sustained rate and a burst): an
 * attacker that sends as fast as {@link #take} allows sends at the limit, which is the fastest the protocol lets
 * any client go, without spending its own CPU on commands the server refuses anyway.
 */
final class Pace {

    /** A limit's shape; every connection gets a bucket of its own. */
    record Shape(double perSecond, double burst) {
        Pace bucket() {
            return new Pace(perSecond, burst);
        }
    }

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    Pace(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes one token if there is one. Called from one thread at a time (the slot's tick). */
    synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * perSecond / 1e9);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }
}
