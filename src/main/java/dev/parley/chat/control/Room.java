package dev.parley.chat.control;

import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One room's live state. Everything that must keep the room's order (release of stored messages to the members,
 * joins against releases, deletions, presence) happens while holding {@link #lock}, which is never held across I/O;
 * reads of the member count do not need it.
 *
 * <p>The room's sequencer: stored messages may come back in any order (today one committer returns them in order;
 * other nodes will feed the same path), and each is released only after every lower seq, so every member sees the
 * room's messages in seq order, each once. {@link #lastSeq} is the last seq released: a join's snapshot.
 */
final class Room {

    static final Comparator<String> BY_NAME = String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    final String name;
    final ReentrantLock lock = new ReentrantLock();
    final Map<String, Member> members = new ConcurrentHashMap<>();
    private Connection[] recipients;
    final Map<String, Long> typingForwardedAt = new ConcurrentHashMap<>();
    long lastSeq;
    /**
     * A conversation's kind (private room or direct conversation), set by its joins; null for a public room. A room's
     * kind never changes, so it outlives this node's copy of the conversation.
     */
    volatile Conversation.Kind kind;
    /** Set under the lock when an operator deleted the room: it is no longer in the registry, nobody may enter. */
    volatile boolean purged;

    private final RecentCaches caches;
    /** The recent messages kept for {@code joined}; null while the room has no cache (see {@link RecentCaches}). */
    private Deque<Event.Message> recent;

    private long recentChars;
    private final TreeMap<Long, Release> waiting = new TreeMap<>();
    private final Set<Long> deletedBeforeRelease = new HashSet<>();
    /**
     * The members in the order {@code joined.members} lists them (name, then user key: a guest and an account may
     * share a name), kept as they come and go, so a join lists the first 100 without sorting the room: sorting it
     * on every join made filling a room of N cost N² log N. Under {@link #lock}.
     */
    private final NavigableMap<String, String> nameByOrder = new TreeMap<>(BY_NAME);

    /**
     * Cluster mode: the room's members on every node as the cluster bus last told (user key to name), this node's
     * own included once their news came back; always empty on one node. A user is listed while it is a member here
     * or there. Under {@link #lock}.
     */
    private final Map<String, String> clusterMembers = new java.util.HashMap<>();

    private final Set<String> pendingJoined = new TreeSet<>(BY_NAME);
    private final Set<String> pendingLeft = new TreeSet<>(BY_NAME);
    ScheduledFuture<?> presenceFlush;
    long presenceFlushedAt;

    Room(String name, long lastSeq, RecentCaches caches) {
        this.name = name;
        this.lastSeq = lastSeq;
        this.caches = caches;
    }

    /** A user present in the room: one entry however many of its connections have joined. */
    static final class Member {
        final String name;
        // copy-on-write: a user has few connections in a room, joins and leaves are rare, the fan-out iterates it;
        // ~120 B less per member than a concurrent hash set
        final Set<Connection> connections = new CopyOnWriteArraySet<>();
        ScheduledFuture<?> departure;

        Member(String name) {
            this.name = name;
        }
    }

    /** A stored message on its way to the members; {@code sender} gets its own copy (with ref), if known. */
    record Release(Event.Message message, Connection sender) {}

    /**
     * Takes a stored message and returns what may now go out, in seq order: nothing while a lower seq is missing,
     * nothing for a seq released before (a duplicate).
     */
    List<Release> sequence(Event.Message message, Connection sender) {
        if (message.seq() <= lastSeq || waiting.containsKey(message.seq())) {
            return List.of();
        }
        waiting.put(message.seq(), new Release(message, sender));
        List<Release> ready = new ArrayList<>();
        for (Release next = waiting.remove(lastSeq + 1); next != null; next = waiting.remove(lastSeq + 1)) {
            lastSeq++;
            Event.Message released =
                    deletedBeforeRelease.remove(lastSeq) ? next.message().redacted() : next.message();
            if (recent != null) {
                remember(released, ChatLimits.JOINED_HISTORY);
            }
            ready.add(new Release(released, next.sender()));
        }
        return ready;
    }

    /** The seqs below the lowest waiting message that have not come: empty if nothing waits. */
    Optional<long[]> missing() {
        return waiting.isEmpty() ? Optional.empty() : Optional.of(new long[] {lastSeq + 1, waiting.firstKey() - 1});
    }

    /**
     * An operator deleted message {@code seq}. If it was released, the copy kept for {@code joined} loses its text
     * and the members must be told; if not yet, it is released deleted, so a {@code deleted} cannot overtake it.
     *
     * @return whether the members must be told now
     */
    boolean delete(long seq) {
        if (seq > lastSeq) {
            deletedBeforeRelease.add(seq);
            return false;
        }
        redact(seq);
        return true;
    }

    boolean recentLoaded() {
        return recent != null;
    }

    /** Under the lock: the room's cache is these messages, counted against the budget. */
    void loadRecent(List<Event.Message> messages) {
        if (purged) {
            return; // unreachable now: a cache here would count against the budget until evicted
        }
        dropRecent();
        recent = new ArrayDeque<>(messages);
        recentChars = messages.stream().mapToLong(RecentCaches::size).sum();
        caches.loaded(this, recentChars);
    }

    /** Under the lock: the room keeps no messages; the next join reads them from the archive again. */
    void dropRecent() {
        if (recent != null) {
            recent = null;
            caches.dropped(this, recentChars);
            recentChars = 0;
        }
    }

    void remember(Event.Message message, int keep) {
        recent.addLast(message);
        long change = RecentCaches.size(message);
        while (recent.size() > keep) {
            change -= RecentCaches.size(recent.removeFirst());
        }
        recentChars += change;
        caches.changed(this, change);
    }

    private void redact(long seq) {
        if (recent != null) {
            Deque<Event.Message> redacted = new ArrayDeque<>(recent.size());
            long change = 0;
            for (Event.Message message : recent) {
                Event.Message kept = message.seq() == seq ? message.redacted() : message;
                change += RecentCaches.size(kept) - RecentCaches.size(message);
                redacted.addLast(kept);
            }
            recent = redacted;
            recentChars += change;
            caches.changed(this, change);
        }
    }

    /** Under the lock, with the cache loaded: what {@code joined} shows; the room counts as just used. */
    List<Event.Message> recent() {
        caches.touched(this);
        return List.copyOf(recent);
    }

    long recentChars() {
        return recentChars;
    }

    Collection<Connection> connections() {
        List<Connection> all = new ArrayList<>();
        members.values().forEach(member -> all.addAll(member.connections));
        return all;
    }

    /**
     * Every member's connections as one array, built again only after {@link #connectionsChanged}: a broadcast
     * walks it instead of the members' maps (in a 1,000-member fan-out, iterating them was about 4% of the server's
     * CPU). Never changed once handed out, so writer threads may still be reading an older one. Under {@link #lock}.
     */
    Connection[] recipients() {
        if (recipients == null) {
            recipients = connections().toArray(Connection[]::new);
        }
        return recipients;
    }

    /** Adds a member (under {@link #lock}). */
    void addMember(String userKey, Member member) {
        members.put(userKey, member);
        nameByOrder.put(orderKey(member.name, userKey), member.name);
    }

    /** Removes a member (under {@link #lock}); it stays listed while the cluster says it is a member elsewhere. */
    void removeMember(String userKey) {
        Member member = members.remove(userKey);
        if (member != null && !clusterMembers.containsKey(userKey)) {
            nameByOrder.remove(orderKey(member.name, userKey));
        }
    }

    /** Removes every member (under {@link #lock}), of this node and of the others as last told. */
    void clearMembers() {
        members.clear();
        clusterMembers.clear();
        nameByOrder.clear();
    }

    /** Whether the user is listed: a member here, or elsewhere in the cluster (under {@link #lock}). */
    boolean listed(String userKey) {
        return members.containsKey(userKey) || clusterMembers.containsKey(userKey);
    }

    /** How many users are listed (under {@link #lock} for an exact figure). */
    int memberCount() {
        return nameByOrder.size();
    }

    /**
     * The cluster says the user is a member (on some node) from now on.
     *
     * @return whether that makes it listed here, i.e. news for the members here
     */
    boolean clusterJoined(String userKey, String name) {
        boolean before = listed(userKey);
        clusterMembers.put(userKey, name);
        if (!before) {
            nameByOrder.put(orderKey(name, userKey), name);
        }
        return !before;
    }

    /**
     * The cluster says the user is a member nowhere any more.
     *
     * @return its name if that makes it unlisted here (news for the members here), else null
     */
    String clusterLeft(String userKey) {
        String name = clusterMembers.remove(userKey);
        if (name == null || members.containsKey(userKey)) {
            return null;
        }
        nameByOrder.remove(orderKey(name, userKey));
        return name;
    }

    /** The cluster's members as last told (under {@link #lock}). */
    Map<String, String> clusterMembers() {
        return Map.copyOf(clusterMembers);
    }

    /** The first {@code limit} members' names in {@code joined.members} order (under {@link #lock}). */
    List<String> firstNames(int limit) {
        return nameByOrder.values().stream().limit(limit).toList();
    }

    /** Sorts as the name, then the user key after a character no name may hold. */
    private static String orderKey(String name, String userKey) {
        return name + '\u0000' + userKey;
    }

    /** Under {@link #lock}, after any change of which connections are in the room. */
    void connectionsChanged() {
        recipients = null;
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
