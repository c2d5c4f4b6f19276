package dev.parley.chat.control;

import dev.parley.chat.entity.Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One room's live state. Everything that must keep the room's order (seq assignment to enqueue, joins against
 * posts, presence) happens while holding {@link #lock}; reads of the member count do not need it.
 */
final class Room {

    static final Comparator<String> BY_NAME = String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    final String name;
    final ReentrantLock lock = new ReentrantLock();
    final Map<String, Member> members = new ConcurrentHashMap<>();
    final Map<String, Long> typingForwardedAt = new ConcurrentHashMap<>();
    long lastSeq;
    private Deque<Event.Message> recent;
    private final Set<String> pendingJoined = new TreeSet<>(BY_NAME);
    private final Set<String> pendingLeft = new TreeSet<>(BY_NAME);
    ScheduledFuture<?> presenceFlush;
    long presenceFlushedAt;

    Room(String name, long lastSeq) {
        this.name = name;
        this.lastSeq = lastSeq;
    }

    /** A user present in the room: one entry however many of its connections have joined. */
    static final class Member {
        final String name;
        final Set<Connection> connections = ConcurrentHashMap.newKeySet();
        ScheduledFuture<?> departure;

        Member(String name) {
            this.name = name;
        }
    }

    boolean recentLoaded() {
        return recent != null;
    }

    void loadRecent(List<Event.Message> messages) {
        recent = new ArrayDeque<>(messages);
    }

    void remember(Event.Message message, int keep) {
        recent.addLast(message);
        while (recent.size() > keep) {
            recent.removeFirst();
        }
    }

    /** An operator deleted message {@code seq}: the copy kept for {@code joined} loses its text too. */
    void redact(long seq) {
        if (recent != null) {
            Deque<Event.Message> redacted = new ArrayDeque<>(recent.size());
            recent.forEach(message -> redacted.addLast(message.seq() == seq ? message.redacted() : message));
            recent = redacted;
        }
    }

    List<Event.Message> recent() {
        return List.copyOf(recent);
    }

    Collection<Connection> connections() {
        List<Connection> all = new ArrayList<>();
        members.values().forEach(member -> all.addAll(member.connections));
        return all;
    }

    void presenceJoined(String user) {
        if (!pendingLeft.remove(user)) {
            pendingJoined.add(user);
        }
    }

    void presenceLeft(String user) {
        if (!pendingJoined.remove(user)) {
            pendingLeft.add(user);
        }
    }

    boolean presencePending() {
        return !pendingJoined.isEmpty() || !pendingLeft.isEmpty();
    }

    Event.Presence takePresence() {
        Event.Presence presence = new Event.Presence(name, List.copyOf(pendingJoined), List.copyOf(pendingLeft));
        pendingJoined.clear();
        pendingLeft.clear();
        return presence;
    }
}
