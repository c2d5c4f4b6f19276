package dev.parley.chat.control;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.RoomMemberships;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The membership contract in memory, counting unread messages in the archive double as the database would. */
public class MembershipsDouble implements RoomMemberships {

    private final ArchiveDouble archive;
    /** Read markers by user key, then room. */
    private final Map<String, Map<String, Long>> markers = new TreeMap<>();

    private final Map<String, String> names = new TreeMap<>();
    /** How many times a room was kept (each one a database call on a real server). */
    public final java.util.concurrent.atomic.AtomicInteger keeps = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.Set<String> receiptsOff = new java.util.TreeSet<>();

    public MembershipsDouble(ArchiveDouble archive) {
        this.archive = archive;
    }

    @Override
    public synchronized List<Event.KeptRoom> kept(String userKey) {
        return markers.getOrDefault(userKey, Map.of()).entrySet().stream()
                .map(kept -> {
                    long last = archive.all(kept.getKey()).size();
                    long read = Math.min(kept.getValue(), last);
                    return new Event.KeptRoom(kept.getKey(), read, unread(userKey, kept.getKey(), read), last);
                })
                .toList();
    }

    @Override
    public synchronized boolean keep(String userKey, String userName, String room, long read) {
        keeps.incrementAndGet();
        names.put(userKey, userName);
        long marker = read < 0 ? archive.all(room).size() : read;
        return markers.computeIfAbsent(userKey, user -> new TreeMap<>()).putIfAbsent(room, marker) == null;
    }

    @Override
    public synchronized List<Reader> readers(String room) {
        return markers.entrySet().stream()
                .filter(user -> user.getValue().containsKey(room) && !receiptsOff.contains(user.getKey()))
                .map(user -> new Reader(
                        user.getKey(), names.get(user.getKey()), user.getValue().get(room)))
                .toList();
    }

    @Override
    public synchronized boolean receiptsOn(String userKey) {
        return !receiptsOff.contains(userKey);
    }

    @Override
    public synchronized void receipts(String userKey, boolean on) {
        if (on) {
            receiptsOff.remove(userKey);
        } else {
            receiptsOff.add(userKey);
        }
    }

    @Override
    public synchronized void forget(String userKey, String room) {
        markers.getOrDefault(userKey, new TreeMap<>()).remove(room);
    }

    @Override
    public synchronized Marker read(String userKey, String room, long atLeast) {
        Long stored = markers.getOrDefault(userKey, Map.of()).get(room);
        if (stored == null) {
            return null;
        }
        long read = Math.min(Math.max(stored, atLeast), archive.all(room).size());
        return new Marker(read, unread(userKey, room, read), stored);
    }

    @Override
    public synchronized void store(Map<Key, Long> moved) {
        moved.forEach((key, read) -> markers.getOrDefault(key.userKey(), new TreeMap<>())
                .computeIfPresent(key.room(), (room, stored) -> Math.max(stored, read)));
    }

    /** The user's stored marker in the room, or null if the room is not kept. */
    public synchronized Long marker(String userKey, String room) {
        return markers.getOrDefault(userKey, Map.of()).get(room);
    }

    private long unread(String userKey, String room, long read) {
        return archive.all(room).stream()
                .filter(message -> message.seq() > read)
                .filter(message -> !message.senderKey().equals(userKey))
                .filter(message -> !Boolean.TRUE.equals(message.deleted()))
                .count();
    }
}
