package dev.parley.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    LatencyHistogram cut = new LatencyHistogram();

    @Test
    void bucketsAreCumulativeAndTheLastIsEverySample() {
        cut.recordNanos(50_000); // 50 µs: first bucket
        cut.recordNanos(1_000_000); // exactly 1 ms: le="0.001"
        cut.recordNanos(3_000_000); // 3 ms: le="0.005"
        cut.recordNanos(60_000_000_000L); // a minute: only +Inf

        StringBuilder out = new StringBuilder();
        cut.writeTo(out, "x_seconds", "test");
        String text = out.toString();

        assertTrue(text.contains("# TYPE x_seconds histogram\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"1.0E-4\"} 1\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"0.001\"} 2\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"0.0025\"} 2\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"0.005\"} 3\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"10.0\"} 3\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"+Inf\"} 4\n"), text);
        assertTrue(text.contains("x_seconds_count 4\n"), text);
        assertTrue(text.contains("x_seconds_sum 60.00405\n"), text);
        assertEquals(4, cut.count());
    }
}
