package dev.parley.history.boundary;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.Receipt;
import dev.parley.history.control.MessageStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores what chat posts and answers history. The observer runs synchronously inside the room's critical
 * section; {@link MessageStore#append} commits before it returns, so the receipt is completed only for a
 * committed message and chat broadcasts nothing that is not stored.
 */
@ApplicationScoped
public class MessageArchive {

    @Inject
    MessageStore store;

    public void onMessagePosted(@Observes MessagePosted posted) {
        try {
            posted.receipt().complete(store.append(posted));
        } catch (RuntimeException failed) {
            posted.receipt().completeExceptionally(failed);
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

    public List<Event.Message> latest(String room, int count) {
        return store.latest(room, count);
    }

    public Event.History page(String room, Long before, Long after, int limit) {
        return store.page(room, before, after, limit);
    }
}
