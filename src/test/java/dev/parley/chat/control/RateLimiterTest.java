package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    AtomicLong now = new AtomicLong();
    RateLimiter cut = new RateLimiter(10, 20, now::get);

    @Test
    void allowsTheBurstThenRefuses() {
        for (int i = 0; i < 20; i++) {
            assertTrue(cut.tryAcquire(), "token " + i);
        }
        assertFalse(cut.tryAcquire());
    }

    @Test
    void refillsAtTheRateUpToTheBurst() {
        for (int i = 0; i < 20; i++) {
            cut.tryAcquire();
        }
        now.addAndGet(100_000_000L);
        assertTrue(cut.tryAcquire(), "one token after 100 ms at 10/s");
        assertFalse(cut.tryAcquire());

        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 20; i++) {
            assertTrue(cut.tryAcquire());
        }
        assertFalse(cut.tryAcquire(), "never more than the burst saved up");
    }

    @Test
    void aCostLargerThanWhatIsLeftGoesThroughOnceAndIsPaidBackAtTheRate() {
        assertTrue(cut.tryTake(50), "the bucket held tokens: the whole cost is taken");
        assertFalse(cut.tryTake(1), "30 in debt");
        now.addAndGet(3_000_000_000L);
        assertFalse(cut.tryTake(1), "paid back to 0 after 3 s at 10/s: still not one token");
        now.addAndGet(100_000_000L);
        assertTrue(cut.tryTake(1));
    }

    @Test
    void aHoldOffRefusesEverythingForItsTimeWhateverWasSavedUp() {
        cut.holdOff(5_000_000_000L);
        now.addAndGet(4_900_000_000L);
        assertFalse(cut.tryAcquire(), "held off for 5 s with a full bucket before");
        now.addAndGet(100_000_000L);
        assertTrue(cut.tryAcquire(), "one token once the 5 s are over");
        assertFalse(cut.tryAcquire());
    }

    @Test
    void aShorterHoldOffDoesNotShortenALongerOne() {
        cut.holdOff(5_000_000_000L);
        cut.holdOff(1_000_000_000L);
        now.addAndGet(4_000_000_000L);
        assertFalse(cut.tryAcquire());
    }
}
