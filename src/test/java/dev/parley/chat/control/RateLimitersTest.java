package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitersTest {

    static final long HOUR = 3600_000_000_000L;

    AtomicLong now = new AtomicLong();
    RateLimiters cut = new RateLimiters(2.0 / 3600, 2, now::get);

    @Test
    void eachKeyHasItsOwnBucket() {
        assertTrue(cut.tryAcquire("a"));
        assertTrue(cut.tryAcquire("a"));
        assertFalse(cut.tryAcquire("a"));
        assertTrue(cut.tryAcquire("b"));
        now.addAndGet(HOUR / 2);
        assertTrue(cut.tryAcquire("a"), "one back after half an hour at 2 an hour");
        assertFalse(cut.tryAcquire("a"));
    }

    @Test
    void bucketsThatRefilledAreForgotten() {
        for (int key = 0; key < 100; key++) {
            cut.tryAcquire("key" + key);
        }
        assertEquals(100, cut.keys());
        now.addAndGet(HOUR);
        cut.tryAcquire("fresh");
        assertEquals(1, cut.keys(), "only the key used now");
    }
}
