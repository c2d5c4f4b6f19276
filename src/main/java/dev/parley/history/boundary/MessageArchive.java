package dev.parley.history.boundary;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.MessageHistory;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.chat.entity.Receipt;
import dev.parley.history.control.Committer;
import dev.parley.history.control.MessageStore;
import dev.parley.history.control.StoreSettings;
import dev.parley.metrics.Metrics;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * Stores what chat posts and answers the reads chat needs. The observer of {@link MessagePosted} only queues the
 * post, on the container thread that fired it, which fixes its place in the room's order; the {@link Committer}
 * stores the queue in batches on a thread of its own and fires {@link PostsSettled} after each commit. No container
 * thread waits for the database on the posting path.
 *
 * <p>A ref that another transaction stored between a batch's look-up and its insert (another instance on the same
 * database) violates the unique key on (room, sender, ref). That transaction is rolled back and, on PostgreSQL,
 * unusable, so the post is stored alone, and if that violates the key too the stored row is read in a new
 * transaction and the retry is answered from it.
 */
@ApplicationScoped
public class MessageArchive implements MessageHistory {

    @Inject
    MessageStore store;

    @Inject
    Metrics metrics;

    @Inject
    jakarta.enterprise.event.Event<PostsSettled> postsSettled;

    /** A thread the server knows, with the application's context, that no container pool needs back. */
    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    Committer<Queued, Receipt> committer;

    /** A post and when it was queued, for the store latency. */
    record Queued(MessagePosted posted, long queuedAt) {}

    @PostConstruct
    void start() {
        start(threads);
    }

    void start(ThreadFactory threadFactory) {
        committer = new Committer<>(
                this::storeTogether,
                this::storeAlone,
                (queued, reason) -> new Receipt.Failed(reason),
                MessageStore::isUniqueViolation,
                this::settled,
                StoreSettings.from(Settings.fromEnvironment()).maxBatch(),
                threadFactory);
        committer.start();
    }

    @PreDestroy
    void stop() {
        committer.stop(Duration.ofSeconds(10));
    }

    public void onMessagePosted(@Observes MessagePosted posted) {
        committer.submit(new Queued(posted, System.nanoTime()));
    }

    private List<Receipt> storeTogether(List<Queued> batch) {
        List<Receipt> receipts =
                store.appendAll(batch.stream().map(Queued::posted).toList());
        metrics.committed();
        return receipts;
    }

    private Receipt storeAlone(Queued queued) {
        MessagePosted posted = queued.posted();
        try {
            Receipt receipt = store.append(posted);
            metrics.committed();
            return receipt;
        } catch (RuntimeException failed) {
            if (posted.ref() == null || !MessageStore.isUniqueViolation(failed)) {
                throw failed;
            }
            return store.replay(posted.room(), posted.senderKey(), posted.ref(), posted.text())
                    .orElseThrow(() -> failed);
        }
    }

    private void settled(List<Committer.Settled<Queued, Receipt>> batch) {
        long now = System.nanoTime();
        batch.stream()
                .filter(one -> one.result() instanceof Receipt.Stored)
                .forEach(one -> metrics.stored(now - one.item().queuedAt()));
        postsSettled.fire(new PostsSettled(batch.stream()
                .map(one -> new PostsSettled.Settled(one.item().posted().id(), one.result()))
                .toList()));
    }

    /** Posts queued and not yet in a transaction. */
    public int queued() {
        return committer.queued();
    }

    /**
     * Two nodes (or two joins on one) that create the same room at once both insert its counter row; the second
     * insert violates the key and its transaction is rolled back. The row is there then: one more transaction finds
     * it. The violation can surface at commit, after the method, and Narayana's {@code @Transactional} interceptor
     * throws a commit's failure as the checked {@code RollbackException}, undeclared: a node starting beside another
     * on an empty database failed to deploy when only runtime exceptions were caught here.
     */
    @Override
    public long openRoom(String name) {
        try {
            return store.openRoom(name);
        } catch (Exception createdMeanwhile) {
            return store.openRoom(name);
        }
    }

    @Override
    public Map<String, Long> rooms() {
        return store.rooms();
    }

    @Override
    public long purge(String room) {
        return store.purge(room);
    }

    /** An operator's deletion: the stored message keeps its seq, loses its text. */
    public Optional<Event.Message> redact(String room, long seq) {
        return store.redact(room, seq);
    }

    @Override
    public List<Event.Message> latest(String room, int count) {
        return store.latest(room, count);
    }

    @Override
    public Event.History page(String room, Long before, Long after, int limit) {
        return store.page(room, before, after, limit);
    }
}
