package dev.parley.chat.control;

/**
 * When a connection was last heard from (any frame, or a pong) and whether a ping is outstanding. Written by the
 * connection's reader, read by the {@link Liveness} sweep: two volatile longs, no lock.
 */
public final class Pulse {

    enum Due { NOTHING, PING, DEAD }

    private volatile long heardAt;
    private volatile long pingedAt;

    Pulse(long now) {
        heardAt = now;
    }

    /** The client sent something: it is alive, and any outstanding ping is answered. */
    public void heard(long now) {
        heardAt = now;
        pingedAt = 0;
    }

    /** What the sweep at {@code now} must do about this connection. */
    Due due(long now, long intervalNanos, long timeoutNanos) {
        long pinged = pingedAt;
        if (pinged != 0) {
            return now - pinged >= timeoutNanos ? Due.DEAD : Due.NOTHING;
        }
        if (now - heardAt >= intervalNanos) {
            pingedAt = now == 0 ? 1 : now;
            return Due.PING;
        }
        return Due.NOTHING;
    }
}
