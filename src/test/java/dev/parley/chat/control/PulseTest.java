package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PulseTest {

    static final long INTERVAL = 100, TIMEOUT = 50;

    @Test
    void anIdleConnectionIsPingedOnceThenDeadWithoutAnswer() {
        Pulse cut = new Pulse(1_000);
        assertEquals(Pulse.Due.NOTHING, cut.due(1_099, INTERVAL, TIMEOUT));
        assertEquals(Pulse.Due.PING, cut.due(1_100, INTERVAL, TIMEOUT));
        cut.pingSent(1_100); // nothing queued before it
        assertEquals(Pulse.Due.NOTHING, cut.due(1_149, INTERVAL, TIMEOUT), "one ping per silence");
        assertEquals(Pulse.Due.DEAD, cut.due(1_150, INTERVAL, TIMEOUT));
    }

    @Test
    void anAnswerOrAnyFrameKeepsItAlive() {
        Pulse cut = new Pulse(1_000);
        assertEquals(Pulse.Due.PING, cut.due(1_100, INTERVAL, TIMEOUT));
        cut.heard(1_120);
        assertEquals(Pulse.Due.NOTHING, cut.due(1_200, INTERVAL, TIMEOUT));
        assertEquals(Pulse.Due.PING, cut.due(1_220, INTERVAL, TIMEOUT));
    }

    /**
     * A ping waits behind the frames already queued for the client: one far behind on a busy room is a slow reader
     * (bounded by its outbox, 4008), not a silent one, so the timeout runs from when the ping went out.
     */
    @Test
    void theTimeoutRunsFromWhenThePingWentOutNotWhenItWasQueued() {
        Pulse cut = new Pulse(1_000);
        assertEquals(Pulse.Due.PING, cut.due(1_100, INTERVAL, TIMEOUT));
        assertEquals(Pulse.Due.NOTHING, cut.due(1_180, INTERVAL, TIMEOUT), "the ping is still queued");
        cut.pingSent(1_180);
        assertEquals(Pulse.Due.NOTHING, cut.due(1_229, INTERVAL, TIMEOUT));
        assertEquals(Pulse.Due.DEAD, cut.due(1_230, INTERVAL, TIMEOUT));
    }

    @Test
    void aPingThatCannotGetOutForAnIntervalAndATimeoutMeansDead() {
        Pulse cut = new Pulse(1_000);
        assertEquals(Pulse.Due.PING, cut.due(1_100, INTERVAL, TIMEOUT));
        assertEquals(Pulse.Due.NOTHING, cut.due(1_249, INTERVAL, TIMEOUT));
        assertEquals(Pulse.Due.DEAD, cut.due(1_250, INTERVAL, TIMEOUT), "stuck behind a backlog of 150");
    }

    @Test
    void aPingSentAfterItsAnswerDoesNotCountForTheNextOne() {
        Pulse cut = new Pulse(1_000);
        assertEquals(Pulse.Due.PING, cut.due(1_100, INTERVAL, TIMEOUT));
        cut.heard(1_101); // the pong overtook the writer's bookkeeping
        cut.pingSent(1_102);
        assertEquals(Pulse.Due.PING, cut.due(1_201, INTERVAL, TIMEOUT));
        assertEquals(Pulse.Due.NOTHING, cut.due(1_300, INTERVAL, TIMEOUT), "the new ping is still queued");
    }
}
