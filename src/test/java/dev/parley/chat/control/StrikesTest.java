package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StrikesTest {

    static final long SECOND = 1_000_000_000L;

    AtomicLong now = new AtomicLong();
    Strikes cut = new Strikes(5, Duration.ofSeconds(10), now::get);

    @Test
    void theLimitthRefusalWithinTheWindowEndsIt() {
        for (int i = 1; i < 5; i++) {
            assertFalse(cut.strike(), "strike " + i);
            now.addAndGet(SECOND);
        }
        assertTrue(cut.strike(), "the fifth within 4 s");
    }

    /** A client that backs off is refused now and then, however long it stays: only refusals close together count. */
    @Test
    void refusalsSpreadWiderThanTheWindowNeverEndIt() {
        for (int i = 0; i < 50; i++) {
            assertFalse(cut.strike(), "strike " + i + " at " + now.get() / SECOND + " s");
            now.addAndGet(SECOND * 10 / 4 + 1); // any five span more than 10 s
        }
    }

    @Test
    void aBurstLongAfterOldRefusalsCountsOnlyItself() {
        for (int i = 0; i < 4; i++) {
            cut.strike();
        }
        now.addAndGet(10 * SECOND);
        for (int i = 1; i < 5; i++) {
            assertFalse(cut.strike(), "strike " + i + " of the new burst");
        }
        assertTrue(cut.strike());
    }

    @Test
    void noLimitNeverEndsIt() {
        Strikes never = new Strikes(0, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 1000; i++) {
            assertFalse(never.strike());
        }
    }
}
