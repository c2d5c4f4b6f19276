package dev.parley.history.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stores what is queued on a thread of its own, in batches that grow with the load: whatever has queued up while a
 * transaction committed goes into the next one (at most {@code maxBatch}), in queue order, whatever its rooms. No
 * caller waits for a commit: {@link #submit} only queues, and each batch's results go to {@code settled} on this
 * thread, in queue order.
 *
 * <p>If a batch fails because of one of its items ({@code itemsFault}: a unique key another writer took), each of
 * its items is written {@code alone}, so one bad item fails only itself; an item that fails alone too gets
 * {@code failed}'s result. Any other failure (the database is down or slow) fails the whole batch at once rather
 * than trying every item again against the same database. A batch's transaction commits entirely or not at all,
 * so nothing is written twice.
 *
 * @param <T> what is queued
 * @param <R> the result of one item
 */
public final class Committer<T, R> {

    private static final Logger LOG = Logger.getLogger(Committer.class.getName());

    private final Function<List<T>, List<R>> together;
    private final Function<T, R> alone;
    private final BiFunction<T, String, R> failed;
    private final Predicate<RuntimeException> itemsFault;
    private final Consumer<List<Settled<T, R>>> settled;
    private final int maxBatch;
    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** An item with its result. */
    public record Settled<T, R>(T item, R result) {}

    /**
     * @param together writes items in one transaction and returns their results in the same order
     * @param alone    writes one item in a transaction of its own
     * @param failed     the result of an item that could not be written, with the reason
     * @param itemsFault whether a batch's failure may be one item's fault, so that writing each alone helps
     * @param settled    receives each batch's results, in queue order, on the committer's thread
     * @param maxBatch the most items in one transaction; 1 writes every item alone
     */
    public Committer(
            Function<List<T>, List<R>> together,
            Function<T, R> alone,
            BiFunction<T, String, R> failed,
            Predicate<RuntimeException> itemsFault,
            Consumer<List<Settled<T, R>>> settled,
            int maxBatch,
            ThreadFactory threads) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("a batch holds at least one item");
        }
        this.together = together;
        this.alone = alone;
        this.failed = failed;
        this.itemsFault = itemsFault;
        this.settled = settled;
        this.maxBatch = maxBatch;
        this.thread = threads.newThread(this::run);
        thread.setName("parley-committer");
    }

    public void start() {
        thread.start();
    }

    /** Queues the item; it is written after everything queued before it. */
    public void submit(T item) {
        if (!running) {
            settle(List.of(new Settled<>(item, failed.apply(item, "the server is stopping"))));
            return;
        }
        queue.add(item);
    }

    /** Items queued and not yet taken into a transaction. */
    public int queued() {
        return queue.size();
    }

    /**
     * Writes what is queued, then stops; waits at most {@code patience} for that. What is still queued then is
     * settled as failed.
     */
    public void stop(Duration patience) {
        running = false;
        try {
            // never interrupted: a thread interrupted inside the database's file I/O makes the embedded H2 close its
            // file channel under the open database; the loop sees running fall within its poll's 100 ms
            thread.join(Math.max(1, patience.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<T> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            settle(left.stream()
                    .map(item -> new Settled<>(item, failed.apply(item, "the server is stopping")))
                    .toList());
        }
    }

    private void run() {
        List<T> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                settle(write(batch));
            } catch (InterruptedException e) {
                // not Parley's doing (see stop): the container is stopping its threads
                if (!running) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                // this thread is every room's only way to store: it must outlive a failure, and the batch's senders
                // must hear of it rather than wait for their timeout
                LOG.log(Level.SEVERE, "a batch of " + batch.size() + " failed unexpectedly", e);
                failQuietly(batch, String.valueOf(e));
            } finally {
                batch.clear();
            }
        }
    }

    private List<Settled<T, R>> write(List<T> batch) {
        if (batch.size() > 1) {
            try {
                List<R> results = together.apply(batch);
                List<Settled<T, R>> written = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    written.add(new Settled<>(batch.get(i), results.get(i)));
                }
                return written;
            } catch (RuntimeException e) {
                if (!itemsFault.test(e)) {
                    LOG.log(Level.WARNING, "a batch of " + batch.size() + " could not be stored", e);
                    String reason = String.valueOf(e.getMessage());
                    return batch.stream()
                            .map(item -> new Settled<>(item, failed.apply(item, reason)))
                            .toList();
                }
                LOG.log(
                        Level.FINE,
                        "a batch of " + batch.size() + " failed on one of its items; writing each alone",
                        e);
            }
        }
        return batch.stream().map(this::writeAlone).toList();
    }

    private Settled<T, R> writeAlone(T item) {
        try {
            return new Settled<>(item, alone.apply(item));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "storing failed", e);
            return new Settled<>(item, failed.apply(item, String.valueOf(e.getMessage())));
        }
    }

    private void failQuietly(List<T> batch, String reason) {
        try {
            settle(batch.stream()
                    .map(item -> new Settled<>(item, failed.apply(item, reason)))
                    .toList());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "the failure of a batch could not be delivered", e);
        }
    }

    private void settle(List<Settled<T, R>> results) {
        settled.accept(results);
    }
}
