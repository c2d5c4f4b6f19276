package dev.parley.chat.control;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.chat.entity.Receipt;
import dev.parley.history.boundary.MessageArchive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The archive's contract in memory, for tests of chat without a database: seq per room, refs per sender and
 * room. The real store is tested against real databases in the integration tests.
 */
public class ArchiveDouble extends MessageArchive {

    private final Map<String, List<Event.Message>> messages = new ConcurrentHashMap<>();
    private final Map<String, String> senders = new ConcurrentHashMap<>();
    public final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public synchronized void onMessagePosted(MessagePosted posted) {
        if (failing.get()) {
            posted.receipt().completeExceptionally(new IllegalStateException("database down"));
            return;
        }
        List<Event.Message> room = messages.get(posted.room());
        if (room == null) {
            posted.receipt().completeExceptionally(new IllegalStateException("no room " + posted.room()));
            return;
        }
        Optional<Receipt> retry = replay(posted.room(), Identity.keyOf(posted.sender()), posted.ref(), posted.text());
        if (retry.isPresent()) {
            posted.receipt().complete(retry.get());
            return;
        }
        Event.Message message = new Event.Message(
                posted.room(), room.size() + 1, posted.sender(), posted.text(), posted.at(), posted.ref());
        room.add(message);
        posted.receipt().complete(new Receipt.Stored(message));
    }

    @Override
    public synchronized Optional<Receipt> replay(String room, String senderKey, String ref, String text) {
        if (ref == null) {
            return Optional.empty();
        }
        return messages.getOrDefault(room, List.of()).stream()
                .filter(m -> ref.equals(m.ref()) && Identity.keyOf(m.from()).equals(senderKey))
                .findFirst()
                .map(m -> m.text().equals(text) ? new Receipt.Repeated(m) : new Receipt.RefConflict(m.seq()));
    }

    @Override
    public synchronized long openRoom(String name) {
        return messages.computeIfAbsent(name, n -> new ArrayList<>()).size();
    }

    @Override
    public synchronized Map<String, Long> rooms() {
        Map<String, Long> rooms = new TreeMap<>();
        messages.forEach((name, list) -> rooms.put(name, (long) list.size()));
        return rooms;
    }

    @Override
    public synchronized List<Event.Message> latest(String room, int count) {
        List<Event.Message> all = messages.getOrDefault(room, List.of());
        return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
    }

    @Override
    public synchronized Event.History page(String room, Long before, Long after, int limit) {
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
