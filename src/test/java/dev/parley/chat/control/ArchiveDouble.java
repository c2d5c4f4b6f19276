package dev.parley.chat.control;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.MessageHistory;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.chat.entity.Receipt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The archive's contract in memory, for tests of chat without a database: seq per room, refs per sender and
 * room. It answers every post at once on the posting thread, as a committer that is never behind would, unless told
 * to {@link #holding hold} them until {@link #settleHeld}. The real store is tested against real databases.
 */
public class ArchiveDouble implements MessageHistory {

    private final Map<String, List<Event.Message>> messages = new ConcurrentHashMap<>();
    private final List<MessagePosted> held = new ArrayList<>();
    public final AtomicBoolean failing = new AtomicBoolean();
    /** Stores, but reports a failure: a commit whose connection broke before it answered. */
    public final AtomicBoolean failingAfterCommit = new AtomicBoolean();

    public final AtomicBoolean holding = new AtomicBoolean();
    Consumer<PostsSettled> settled = posts -> {};
    /**
     * While set and closed, reads of rooms ({@link #openRoom}, {@link #latest}, {@link #page}) wait for it, as a slow
     * database would.
     */
    public volatile CountDownLatch readsOpen;
    /** While true, reads of rooms fail, as a database that is down would. */
    public final AtomicBoolean readsFail = new AtomicBoolean();

    /** What the archive's observer and committer do together: store, then tell chat. */
    public void onMessagePosted(MessagePosted posted) {
        synchronized (this) {
            if (holding.get()) {
                held.add(posted);
                return;
            }
        }
        settled.accept(new PostsSettled(List.of(new PostsSettled.Settled(posted.id(), store(posted)))));
    }

    /** One node of several sharing this archive: its posts are answered to it alone (holding is not supported). */
    public void onMessagePosted(MessagePosted posted, Consumer<PostsSettled> node) {
        node.accept(new PostsSettled(List.of(new PostsSettled.Settled(posted.id(), store(posted)))));
    }

    /** Stores the posts held so far, in the order they came, and tells chat in one batch. */
    public void settleHeld() {
        List<PostsSettled.Settled> batch = new ArrayList<>();
        synchronized (this) {
            held.forEach(posted -> batch.add(new PostsSettled.Settled(posted.id(), store(posted))));
            held.clear();
        }
        settled.accept(new PostsSettled(batch));
    }

    public synchronized int held() {
        return held.size();
    }

    synchronized Receipt store(MessagePosted posted) {
        if (failing.get()) {
            return new Receipt.Failed("database down");
        }
        Optional<Receipt> retry = replay(posted.room(), posted.senderKey(), posted.ref(), posted.text());
        if (retry.isPresent()) {
            return retry.get();
        }
        List<Event.Message> room = messages.get(posted.room());
        if (posted.retryOnly() || room == null) {
            return new Receipt.NotStored();
        }
        // the real store describes each upload from its row (MessageStoreJpaTest); here every id is a small text file
        Event.Message message = new Event.Message(
                        posted.room(), room.size() + 1, posted.sender(), posted.text(), posted.at(), posted.ref())
                .withFiles(
                        posted.files() == null
                                ? null
                                : posted.files().stream()
                                        .map(id -> Attachment.of(id, id + ".txt", "text/plain", 1, 0, 0))
                                        .toList());
        room.add(message);
        return failingAfterCommit.get()
                ? new Receipt.Failed("connection lost while committing")
                : new Receipt.Stored(message);
    }

    synchronized Optional<Receipt> replay(String room, String senderKey, String ref, String text) {
        if (ref == null) {
            return Optional.empty();
        }
        return messages.getOrDefault(room, List.of()).stream()
                .filter(m -> ref.equals(m.ref()) && m.senderKey().equals(senderKey))
                .findFirst()
                .map(m -> m.text().equals(text) ? new Receipt.Repeated(m) : new Receipt.RefConflict(m.seq()));
    }

    @Override
    public long openRoom(String name) {
        awaitRead();
        synchronized (this) {
            return messages.computeIfAbsent(name, n -> new ArrayList<>()).size();
        }
    }

    private void awaitRead() {
        CountDownLatch open = readsOpen;
        try {
            if (open != null && !open.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the reads");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
        if (readsFail.get()) {
            throw new IllegalStateException("database down");
        }
    }

    @Override
    public synchronized long purge(String room) {
        List<Event.Message> deleted = messages.remove(room);
        return deleted == null ? 0 : deleted.size();
    }

    /** Every message of the room, oldest first. */
    public synchronized List<Event.Message> all(String room) {
        return List.copyOf(messages.getOrDefault(room, List.of()));
    }

    @Override
    public synchronized Map<String, Long> rooms() {
        Map<String, Long> rooms = new TreeMap<>();
        messages.forEach((name, list) -> rooms.put(name, (long) list.size()));
        return rooms;
    }

    @Override
    public List<Event.Message> latest(String room, int count) {
        awaitRead();
        synchronized (this) {
            List<Event.Message> all = messages.getOrDefault(room, List.of());
            return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
        }
    }

    @Override
    public Event.History page(String room, Long before, Long after, int limit) {
        awaitRead();
        return storedPage(room, before, after, limit);
    }

    private synchronized Event.History storedPage(String room, Long before, Long after, int limit) {
        List<Event.Message> all = messages.getOrDefault(room, List.of());
        if (before != null) {
            List<Event.Message> below =
                    all.stream().filter(m -> m.seq() < before).toList();
            int from = Math.max(0, below.size() - limit);
            return new Event.History(room, List.copyOf(below.subList(from, below.size())), from > 0);
        }
        List<Event.Message> above = all.stream().filter(m -> m.seq() > after).toList();
        return new Event.History(room, above.stream().limit(limit).toList(), above.size() > limit);
    }
}
