package dev.parley.history.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Group commit: the items that callers submit while a transaction is committing are written together in the next
 * one, so at high rates the cost of a transaction (begin, lock, commit, the database's log write) is paid once per
 * batch rather than once per message. No thread of its own: the caller that finds no commit in progress commits what
 * is waiting, its own item included, and the others sleep until their result is in or it is their turn to lead (each
 * waiter is woken alone, never a crowd contending for a lock). With one caller at a time every batch holds one item
 * and this is a plain synchronous write.
 *
 * <p>If a batch fails, each of its items is written {@code alone}, so one bad item (a ref stored concurrently by
 * another instance) fails only its own caller. A batch's transaction either commits entirely or not at all, so an
 * item is never written twice.
 */
public final class GroupCommit<T, R> {

    private final Function<List<T>, List<R>> together;
    private final Function<T, R> alone;
    private final int maxBatch;
    private final Queue<Waiting<T, R>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean committing = new AtomicBoolean();

    /**
     * @param together writes items in one transaction and returns their results in the same order
     * @param alone    writes one item in a transaction of its own
     * @param maxBatch the most items in one transaction; 1 writes every item alone
     */
    public GroupCommit(Function<List<T>, List<R>> together, Function<T, R> alone, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("a batch holds at least one item");
        }
        this.together = together;
        this.alone = alone;
        this.maxBatch = maxBatch;
    }

    /**
     * Writes the item, alone or with others; returns when it is committed.
     *
     * @throws CompletionException with the cause of the failure if the item could not be written
     */
    public R submit(T item) {
        Waiting<T, R> mine = new Waiting<>(item, new CompletableFuture<>(), Thread.currentThread());
        waiting.add(mine);
        boolean interrupted = false;
        while (!mine.result.isDone()) {
            if (committing.compareAndSet(false, true)) {
                try {
                    commitWaiting();
                } finally {
                    committing.set(false);
                }
                // whoever waits longest leads the next commit; a waiter that added itself while this one committed
                // saw the commit in progress and sleeps, so it must be woken here or it would wait for nothing
                Waiting<T, R> next = waiting.peek();
                if (next != null) {
                    LockSupport.unpark(next.owner);
                }
            } else {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return mine.result.join();
    }

    /** Items submitted and not yet taken into a transaction. */
    int waiting() {
        return waiting.size();
    }

    private void commitWaiting() {
        List<Waiting<T, R>> batch = new ArrayList<>();
        for (Waiting<T, R> next; batch.size() < maxBatch && (next = waiting.poll()) != null; ) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        if (batch.size() == 1) {
            writeAlone(batch.get(0));
            return;
        }
        List<R> results;
        try {
            results = together.apply(batch.stream().map(Waiting::item).toList());
        } catch (RuntimeException failed) {
            batch.forEach(this::writeAlone);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(results.get(i));
        }
    }

    private void writeAlone(Waiting<T, R> one) {
        try {
            one.complete(alone.apply(one.item));
        } catch (RuntimeException failed) {
            one.result.completeExceptionally(failed);
            LockSupport.unpark(one.owner);
        }
    }

    private record Waiting<T, R>(T item, CompletableFuture<R> result, Thread owner) {

        void complete(R value) {
            result.complete(value);
            LockSupport.unpark(owner);
        }
    }
}
