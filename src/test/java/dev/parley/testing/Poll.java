package dev.parley.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for state that sends no event to wait on (a counter the server bumps after the work it counts, a
 * server-side timer, an external process starting): look again after a short pause until it holds, and fail at the
 * deadline with what the last look saw. Where a frame or a latch can be awaited, await that instead.
 */
public final class Poll {

    static final Duration PAUSE = Duration.ofMillis(100);

    private Poll() {}

    /** The first value {@code look} returns that {@code holds}; an AssertionError naming the last one at the limit. */
    public static <T> T until(
            Duration limit, Supplier<T> look, Predicate<? super T> holds, Function<? super T, String> what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            T seen = look.get();
            if (holds.test(seen)) {
                return seen;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + limit + ": " + what.apply(seen));
            }
            pause();
        }
    }

    public static void until(Duration limit, BooleanSupplier holds, String what) {
        until(limit, holds::getAsBoolean, Boolean::booleanValue, seen -> what);
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling", e);
        }
    }
}
