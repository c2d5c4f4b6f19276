package dev.parley.chat.control;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.Event;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One budget for the recent messages every room keeps for {@code joined} ({@code parley.rooms.cache-chars}): the
 * total size of the cached messages, and the rooms with a cache from least to most recently used, so that the
 * caches used longest ago go first when the total is over the budget.
 *
 * <p>Lock order: a room's lock, then this object's monitor, never the other way round; an eviction picks its room
 * under the monitor and drops that room's cache after letting go of it. A room changes its own share only under
 * its lock, so the total is the sum of the shares whenever no room is between two changes.
 */
final class RecentCaches {

    /** What a cached message costs besides its strings: the record, its Instant, the deque's slot. */
    static final int MESSAGE_OVERHEAD_CHARS = 64;

    private final long budget;
    private final AtomicLong cached = new AtomicLong();
    private final LinkedHashMap<Room, Boolean> byUse = new LinkedHashMap<>(16, 0.75f, true);

    RecentCaches(long budget) {
        this.budget = budget;
    }

    /** What a message costs in a cache, in chars: its strings (encoded as kept) and a fixed overhead. */
    static long size(Event.Message message) {
        return MESSAGE_OVERHEAD_CHARS
                + message.room().length()
                + message.from().length()
                + message.text().length()
                + (message.ref() == null ? 0 : message.ref().length())
                + (message.files() == null
                        ? 0
                        : message.files().stream().mapToLong(RecentCaches::size).sum());
    }

    /** A file's description as a message carries it: its strings and the same fixed overhead. */
    static long size(Attachment file) {
        return MESSAGE_OVERHEAD_CHARS
                + file.id().length()
                + file.name().length()
                + file.type().length()
                + file.url().length();
    }

    long cachedChars() {
        return cached.get();
    }

    long budget() {
        return budget;
    }

    boolean overBudget() {
        return cached.get() > budget;
    }

    /** The room (holding its lock) changed its cache by {@code chars}; it is now the most recently used. */
    void changed(Room room, long chars) {
        cached.addAndGet(chars);
        touched(room);
    }

    /** The room (holding its lock) now has a cache of {@code chars}. */
    synchronized void loaded(Room room, long chars) {
        cached.addAndGet(chars);
        byUse.put(room, Boolean.TRUE);
    }

    /** The room (holding its lock) dropped its cache of {@code chars}. */
    synchronized void dropped(Room room, long chars) {
        cached.addAndGet(-chars);
        byUse.remove(room);
    }

    synchronized void touched(Room room) {
        byUse.get(room);
    }

    /** The least recently used room with a cache, other than {@code spared}; null if there is none. */
    synchronized Room leastRecentlyUsed(Room spared) {
        for (Iterator<Map.Entry<Room, Boolean>> rooms = byUse.entrySet().iterator(); rooms.hasNext(); ) {
            Room room = rooms.next().getKey();
            if (room != spared) {
                return room;
            }
        }
        return null;
    }

    synchronized int roomsCached() {
        return byUse.size();
    }
}
