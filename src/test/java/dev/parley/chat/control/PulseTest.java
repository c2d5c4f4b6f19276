package dev.parley.chat.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PulseTest {

    static final long INTERVAL = 100, TIMEOUT = 50;

    @Test
    void anIdleConnectionIsPingedOnceThenDeadWithoutAnswer() {
        Pulse cut = new Pulse(1_000);
        assertEquals(Pulse.Due.NOTHING, cut.due(1_099, INTERVAL, TIMEOUT));
        assertEquals(Pulse.Due.PING, cut.due(1_100, INTERVAL, TIMEOUT));
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
}
