package dev.parley.history.boundary;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.Receipt;
import dev.parley.history.control.GroupCommit;
import dev.parley.history.control.MessageStore;
import dev.parley.history.control.StoreSettings;
import dev.parley.metrics.Metrics;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Stores what chat posts and answers history. The observer runs synchronously inside the room's critical
 * section and returns once the message is committed, so the receipt is completed only for a committed message and
 * chat broadcasts nothing that is not stored. Posts to different rooms that arrive while another commit is in
 * progress share the next transaction ({@link GroupCommit}, at most {@code parley.store.max-batch} messages).
 *
 * <p>A ref that another transaction stored between the store's look-up and its insert (another instance on the
 * same database, or any path around the room lock) violates the unique key on (room, sender, ref). That
 * transaction is rolled back and, on PostgreSQL, unusable, so the stored row is read in a new one and the retry
 * is answered from it, as if the look-up had found it.
 */
@ApplicationScoped
public class MessageArchive {

    @Inject
    MessageStore store;

    @Inject
    Metrics metrics;

    GroupCommit<MessagePosted, Receipt> commits;

    @PostConstruct
    void start() {
        int maxBatch = StoreSettings.from(Settings.fromEnvironment()).maxBatch();
        commits = new GroupCommit<>(this::storeTogether, this::storeAlone, maxBatch);
    }

    public void onMessagePosted(@Observes MessagePosted posted) {
        try {
            long start = System.nanoTime();
            Receipt receipt = commits.submit(posted);
            if (receipt instanceof Receipt.Stored) {
                metrics.stored(System.nanoTime() - start);
            }
            posted.receipt().complete(receipt);
        } catch (CompletionException failed) {
            posted.receipt().completeExceptionally(failed.getCause());
        }
    }

    private List<Receipt> storeTogether(List<MessagePosted> batch) {
        List<Receipt> receipts = store.appendAll(batch);
        metrics.committed();
        return receipts;
    }

    private Receipt storeAlone(MessagePosted posted) {
        try {
            Receipt receipt = store.append(posted);
            metrics.committed();
            return receipt;
        } catch (RuntimeException failed) {
            if (posted.ref() == null || !MessageStore.isUniqueViolation(failed)) {
                throw failed;
            }
            return store.replay(posted.room(), Identity.keyOf(posted.sender()), posted.ref(), posted.text())
                    .orElseThrow(() -> failed);
        }
    }

    public Optional<Receipt> replay(String room, String senderKey, String ref, String text) {
        return store.replay(room, senderKey, ref, text);
    }

    /** Creates the room if it is new; returns its latest seq. */
    public long openRoom(String name) {
        return store.openRoom(name);
    }

    /** Every stored room with its latest seq. */
    public Map<String, Long> rooms() {
        return store.rooms();
    }

    /** An operator's deletion: the stored message keeps its seq, loses its text. */
    public Optional<Event.Message> redact(String room, long seq) {
        return store.redact(room, seq);
    }

    public List<Event.Message> latest(String room, int count) {
        return store.latest(room, count);
    }

    public Event.History page(String room, Long before, Long after, int limit) {
        return store.page(room, before, after, limit);
    }
}
