package dev.parley.chat.control;

/**
 * When a connection was last heard from (any frame, or a pong), and whether a ping is outstanding: queued, and when
 * it went out. Written by the connection's reader and writer, read by the {@link Liveness} sweep: volatile longs,
 * no lock.
 *
 * <p>A ping waits behind the frames already queued for the client, so the timeout runs from when it went out: a
 * client far behind on a busy room is a slow reader (bounded by its outbox, 4008), not a silent one. A ping that
 * cannot get out for an interval and a timeout means the client is gone or hopelessly behind.
 */
public final class Pulse {

    enum Due {
        NOTHING,
        PING,
        DEAD
    }

    private volatile long heardAt;
    private volatile long pingedAt;
    private volatile long pingSentAt;

    Pulse(long now) {
        heardAt = now;
    }

    /** The client sent something: it is alive, and any outstanding ping is answered. */
    public void heard(long now) {
        heardAt = now;
        pingedAt = 0;
        pingSentAt = 0;
    }

    /** The outstanding ping left the outbox; a ping already answered is not outstanding. */
    public void pingSent(long now) {
        if (pingedAt != 0) {
            pingSentAt = now;
        }
    }

    /** What the sweep at {@code now} must do about this connection. */
    Due due(long now, long intervalNanos, long timeoutNanos) {
        long pinged = pingedAt;
        if (pinged != 0) {
            long sent = pingSentAt;
            boolean dead = sent != 0 ? now - sent >= timeoutNanos : now - pinged >= intervalNanos + timeoutNanos;
            return dead ? Due.DEAD : Due.NOTHING;
        }
        if (now - heardAt >= intervalNanos) {
            pingSentAt = 0;
            pingedAt = now == 0 ? 1 : now;
            return Due.PING;
        }
        return Due.NOTHING;
    }
}
