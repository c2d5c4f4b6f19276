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
}
