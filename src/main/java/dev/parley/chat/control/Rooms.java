package dev.parley.chat.control;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.FileSettings;
import dev.parley.chat.entity.MentionSettings;
import dev.parley.chat.entity.Mentions;
import dev.parley.chat.entity.MessageHistory;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.chat.entity.PresenceHere;
import dev.parley.chat.entity.Receipt;
import dev.parley.chat.entity.Relayed;
import dev.parley.metrics.ClusterState;
import dev.parley.metrics.Metrics;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The room registry: who is in which room, fan-out of stored messages, presence and typing. Posts go to the
 * archive through {@link Posting}; their receipts come back as {@link PostsSettled}, and each stored message is
 * released to its room's members by the room's sequencer ({@link Room#sequence}), strictly in seq order.
 *
 * <p>Rooms proceed in parallel; within a room, release and fan-out, joins and deletions hold the room's lock (never
 * across I/O), so every member sees a room's messages in seq order and a join sees each message either in its
 * history or live, exactly once. No container transaction: the archive commits in its own before anything is
 * released.
 */
// @ApplicationScoped: a session bean is @Dependent by default, so each connection's endpoint got an EJB reference of
// its own (proxy, view, creational context: ~0.7 KB of heap per connection on WildFly); now they share one client
// proxy
@ApplicationScoped
@Singleton
@Startup
@DependsOn("Schema")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Rooms {

    public static final String GENERAL = "general";

    private static final Logger LOG = Logger.getLogger(Rooms.class.getName());

    /** Reads one join makes at most when the room's cache is dropped again each time before the join gets in. */
    static final int READS_PER_JOIN = 3;

    @Inject
    Posting posting;

    @Inject
    MessageHistory archive;

    @Inject
    Metrics metrics;

    @Inject
    FrameWriters writers;

    @Inject
    Moderation moderation;

    @Inject
    HistoryReads historyReads;

    @Inject
    Memberships memberships;

    @Inject
    Conversations conversations;

    @Inject
    jakarta.enterprise.event.Event<PresenceHere> presenceHere;

    @Inject
    jakarta.enterprise.event.Event<Relayed> relayed;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ScheduledExecutorService scheduler;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    ChatLimits limits;
    MentionSettings mentionRules = MentionSettings.from(Settings.of(Map.of()));
    FileSettings fileRules = FileSettings.from(Settings.of(Map.of()));
    RecentCaches caches;
    RateLimiters creationsByUser;
    RateLimiters creationsByAddress;
    /** The chars of the {@code joined} snapshots each address was sent lately. */
    RateLimiters joinCharsByAddress;
    /** Reads rooms from the archive for joins: a thread of Parley's own, so no container thread waits on the database. */
    Executor loader;

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Object creation = new Object();
    private final Map<String, CompletableFuture<Room>> reads = new ConcurrentHashMap<>();
    private Presence presence;

    @PostConstruct
    void start() {
        limits = ChatLimits.from(Settings.fromEnvironment());
        mentionRules = MentionSettings.from(Settings.fromEnvironment());
        fileRules = FileSettings.from(Settings.fromEnvironment());
        loader = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = threads.newThread(runnable);
            thread.setName("parley-room-loader");
            return thread;
        });
        load();
    }

    @PreDestroy
    void stop() {
        if (loader instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    /** Reads the stored rooms and makes sure {@code general} exists. */
    public void load() {
        presence = new Presence(scheduler, limits.largeRoomPresenceInterval());
        caches = new RecentCaches(limits.roomCacheChars());
        creationsByUser = RateLimiters.perHour(limits.roomsCreatedPerUserPerHour());
        creationsByAddress = RateLimiters.perHour(limits.roomsCreatedPerAddressPerHour());
        joinCharsByAddress = new RateLimiters(
                limits.joinCharsPerAddressPerSecond(), limits.joinCharsPerAddressBurst(), System::nanoTime);
        archive.rooms().forEach((name, lastSeq) -> rooms.put(name, new Room(name, lastSeq, caches)));
        open(GENERAL);
    }

    /** The files' bounds a {@code welcome} announces, as {@link #post} and the upload endpoint apply them. */
    public Event.Welcome.Files fileLimits() {
        return new Event.Welcome.Files(
                fileRules.maxBytes(), fileRules.maxPerMessage(), fileRules.uploadsAtOncePerUser());
    }

    /** The rooms a {@code welcome} lists: busiest first, at most 200, {@code general} always. */
    public List<String> listed() {
        record Listed(String name, int members) {}
        // member counts change while this sorts: sort a snapshot, or the sort's contract breaks
        return rooms.values().stream()
                .filter(room -> !Conversation.isId(room.name) && !moderation.closed(room.name))
                .map(room -> new Listed(room.name, room.memberCount()))
                .sorted(Comparator.comparing((Listed room) -> !GENERAL.equals(room.name()))
                        .thenComparing(room -> -room.members())
                        .thenComparing(Listed::name))
                .limit(ChatLimits.ROOMS_LISTED)
                .map(Listed::name)
                .toList();
    }

    public int roomCount() {
        return rooms.size();
    }

    /**
     * A room in memory with its recent messages is joined at once. One that must be read from the archive first (its
     * first join since the start or since its cache was dropped, or a new room) is read on the loader thread, never
     * on the container's: the join finishes there, and the connection's later commands wait for it
     * ({@link Connection#run}). Joins of one room share one read.
     */
    public void join(Connection connection, Command.Join join) {
        String name = join.room();
        boolean conversation = Conversation.isId(name);
        if (!conversation && !ProtocolRules.isRoomName(name)) {
            connection.refuse(join, ErrorCode.ROOM_INVALID, "a room name is 1 to 32 of a-z, 0-9, '_' and '-'");
            return;
        }
        boolean alreadyIn = connection.rooms().contains(name);
        if (!alreadyIn && connection.rooms().size() >= limits.roomsPerConnection()) {
            connection.refuse(
                    join,
                    ErrorCode.LIMIT_EXCEEDED,
                    "a connection may join at most " + limits.roomsPerConnection() + " rooms");
            return;
        }
        if (conversation) {
            joinConversation(connection, join);
            return;
        }
        Room room = rooms.get(name);
        if (room == null) {
            if (!limits.autoCreateRooms()) {
                connection.refuse(join, ErrorCode.ROOM_INVALID, "there is no room " + name);
                return;
            }
            if (publicRoomCount() >= limits.maxRooms()) {
                connection.refuse(join, ErrorCode.LIMIT_EXCEEDED, "no more rooms can be created");
                return;
            }
            // a join that shares the read of a room another join is creating creates nothing
            String refusal = reads.containsKey(name) ? null : creationRefusal(connection);
            if (refusal != null) {
                connection.refuse(join, ErrorCode.LIMIT_EXCEEDED, refusal);
                return;
            }
        } else if (room.recentLoaded() && enter(connection, join, room, null)) {
            return;
        }
        connection.finishesLater();
        enterAfterRead(connection, join, null, 1);
    }

    /**
     * A conversation is joined only by its members; anyone else is answered as if there were none of that id. One this
     * node has not read yet is read first, on the memberships' thread, while the connection's later commands wait.
     */
    private void joinConversation(Connection connection, Command.Join join) {
        Conversation known = conversations.cached(join.room());
        if (known != null) {
            if (!known.has(connection.userKey())) {
                refuseAsUnknown(connection, join);
                return;
            }
            Room room = rooms.get(join.room());
            if (room != null && room.recentLoaded() && enter(connection, join, room, known)) {
                return;
            }
            connection.finishesLater();
            enterAfterRead(connection, join, known, 1);
            return;
        }
        connection.finishesLater();
        conversations.load(
                join.room(),
                found -> {
                    if (found != null && found.has(connection.userKey())) {
                        enterAfterRead(connection, join, found, 1);
                    } else {
                        refuseAsUnknown(connection, join);
                        connection.finished();
                    }
                },
                () -> {
                    connection.refuseOverRate(join, "too much waits for the database; retry shortly");
                    connection.finished();
                });
    }

    /** The same answer as for a room that does not exist where auto-create is off: no hint that the id exists. */
    private static void refuseAsUnknown(Connection connection, Command.Join join) {
        connection.refuse(join, ErrorCode.ROOM_INVALID, "there is no room " + join.room());
    }

    /** Public rooms: conversations do not count against {@code parley.rooms.max}. */
    private long publicRoomCount() {
        return rooms.keySet().stream().filter(name -> !Conversation.isId(name)).count();
    }

    /**
     * Makes a private room (conversations extension), charged to the user and address as a public room's creation.
     */
    public void createConversation(Connection connection, Command.Create create) {
        conversations.create(connection, create, this::creationRefusal);
    }

    /** Invites a user into the private room the connection is in (conversations extension). */
    public void invite(Connection connection, Command.Invite invite) {
        Room room = rooms.get(invite.room());
        if (room == null || !connection.rooms().contains(invite.room())) {
            connection.refuse(invite, ErrorCode.NOT_MEMBER, "you are not in " + invite.room());
            return;
        }
        conversations.invite(connection, invite, connectionsIn(room));
    }

    private static List<Connection> connectionsIn(Room room) {
        room.lock.lock();
        try {
            return List.copyOf(room.connections());
        } finally {
            room.lock.unlock();
        }
    }

    /**
     * Cluster mode: a user was added to a conversation on another node: its devices here that keep rooms get
     * {@code invited}, and with {@code roomToo} (an invitation) so do the room's connections here.
     */
    public void invitedElsewhere(String userKey, Event.Invited invited, boolean roomToo) {
        conversations.invitedElsewhere(userKey, invited);
        Room room = rooms.get(invited.room());
        if (roomToo && room != null) {
            String frame = Frames.encode(invited);
            connectionsIn(room).stream()
                    .filter(each -> !each.userKey().equals(userKey) || !each.keepsRooms()) // told just above
                    .forEach(each -> each.sendEncoded(frame));
        }
    }

    /** Why the connection may not create a room now, or null if it may: a room creation costs its user and address. */
    private String creationRefusal(Connection connection) {
        if (!creationsByUser.tryAcquire(connection.userKey())) {
            return "you may create at most " + limits.roomsCreatedPerUserPerHour()
                    + " rooms an hour; join an existing room or try later";
        }
        if (connection.address() != null && !creationsByAddress.tryAcquire(connection.address())) {
            return "your address may create at most " + limits.roomsCreatedPerAddressPerHour()
                    + " rooms an hour; join an existing room or try later";
        }
        return null;
    }

    /**
     * Reads the room, then enters it; if its cache was dropped again before the join got in (budget, last member
     * gone) or the room was deleted meanwhile, reads again, a few times at most.
     */
    private void enterAfterRead(Connection connection, Command.Join join, Conversation conversation, int attempt) {
        String name = join.room();
        CompletableFuture<Room> read = readBeforeJoin(name);
        read.whenComplete((readRoom, failure) -> {
            // before answering: a join this answer lets run must not find the finished read and share its failure
            reads.remove(name, read);
            boolean finished = true;
            try {
                if (failure != null) {
                    LOG.log(Level.WARNING, "room " + name + " could not be read", failure);
                    connection.refuse(join, ErrorCode.INTERNAL, "the room could not be opened; retry");
                } else if (!enter(connection, join, readRoom, conversation)) {
                    if (attempt < READS_PER_JOIN) {
                        finished = false;
                        enterAfterRead(connection, join, conversation, attempt + 1);
                    } else {
                        connection.refuse(join, ErrorCode.INTERNAL, "the room is busy; retry");
                    }
                }
            } finally {
                if (finished) {
                    connection.finished();
                }
            }
        });
    }

    /**
     * The room, created if new, with its recent messages in memory, read on the loader thread; joins that come while
     * it is read share the read, and each removes it before it answers (see {@link #join}).
     */
    private CompletableFuture<Room> readBeforeJoin(String name) {
        return reads.computeIfAbsent(
                name,
                absent -> CompletableFuture.supplyAsync(
                        () -> {
                            Room room = rooms.get(name);
                            if (room == null) {
                                room = open(name);
                            }
                            loadRecent(room);
                            trimCaches(room);
                            return room;
                        },
                        loader));
    }

    /**
     * Reads the room's latest messages outside its lock (its sequencer goes on meanwhile) and keeps those released
     * so far; committed messages still on their way to the sequencer come live, not twice. A read that missed a
     * message released meanwhile is repeated, the last time under the lock.
     */
    private void loadRecent(Room room) {
        for (int attempt = 0; attempt < 3 && !room.recentLoaded() && !room.purged; attempt++) {
            List<Event.Message> latest = archive.latest(room.name, ChatLimits.JOINED_HISTORY);
            room.lock.lock();
            try {
                long newest =
                        latest.isEmpty() ? 0 : latest.get(latest.size() - 1).seq();
                if (!room.recentLoaded() && newest >= room.lastSeq) {
                    keepReleased(room, latest);
                }
            } finally {
                room.lock.unlock();
            }
        }
        room.lock.lock();
        try {
            if (!room.recentLoaded() && !room.purged) {
                keepReleased(room, archive.latest(room.name, ChatLimits.JOINED_HISTORY));
            }
        } finally {
            room.lock.unlock();
        }
    }

    private static void keepReleased(Room room, List<Event.Message> latest) {
        long released = room.lastSeq;
        room.loadRecent(
                latest.stream().filter(message -> message.seq() <= released).toList());
    }

    /**
     * The join itself, in memory: membership, presence, and {@code joined} with the room's snapshot. The snapshot's
     * chars come out of its address's budget ({@code parley.joins.chars-per-address-*}); one it cannot pay is
     * refused with {@code rate_limited}, a refusal for rate like any other (it counts towards the 4029).
     *
     * @param conversation what the room is if it is a conversation (as read for this join), else null
     * @return false if the join must read the room first: it has no cache (any more), or it was deleted
     */
    private boolean enter(Connection connection, Command.Join join, Room room, Conversation conversation) {
        String name = room.name;
        long joinedAt;
        boolean receiptsApply;
        room.lock.lock();
        try {
            if (room.purged || !room.recentLoaded()) {
                return false;
            }
            if (moderation.closed(name)) {
                connection.refuse(join, ErrorCode.ROOM_CLOSED, "the room " + name + " is closed");
                return true;
            }
            if (connection.ended().isDone()) {
                return true;
            }
            if (connection.address() != null && !joinCharsByAddress.tryTake(connection.address(), room.recentChars())) {
                connection.refuseOverRate(
                        join,
                        "your address was sent more than " + limits.joinCharsPerAddressPerSecond()
                                + " chars of joined rooms' messages a second; retry later");
                return true;
            }
            Room.Member member = room.members.get(connection.userKey());
            if (member == null) {
                boolean listed = room.listed(connection.userKey());
                member = new Room.Member(connection.user());
                room.addMember(connection.userKey(), member);
                if (!listed) {
                    room.presenceJoined(member.name);
                    presence.publish(room);
                }
                if (metrics.clusterState() == ClusterState.BUS_UP) {
                    // a member of the cluster from now on: the bus's news of it may come after this member left here,
                    // and then its leaving is the cluster's news too, never a leave and a late join
                    room.clusterJoined(connection.userKey(), member.name);
                }
                hereInCluster(new PresenceHere(name, connection.userKey(), member.name, true));
            } else if (member.departure != null) {
                member.departure.cancel(false);
                member.departure = null;
            }
            member.connections.add(connection);
            room.connectionsChanged();
            connection.rooms().add(name);
            joinedAt = room.lastSeq;
            receiptsApply = room.members.size() <= memberships.receiptsMaxMembers();
            Event.Joined joined = new Event.Joined(
                    name, membersListed(room), room.memberCount(), personal(room.recent(), connection), joinedAt);
            if (conversation != null) {
                room.kind = conversation.kind();
            }
            connection.send(conversation == null ? joined : conversation.describe(joined, connection.userKey()));
        } finally {
            room.lock.unlock();
        }
        memberships.joined(connection, name, joinedAt, receiptsApply);
        if (connection.ended().isDone()) {
            // closed while this join was read: the close's own clean-up may have run before the room was added
            disconnected(connection);
        }
        return true;
    }

    /**
     * The connection leaves the room. If it keeps rooms (membership), its user leaves on every device that keeps them:
     * those connections get {@code left} with reason {@code left_elsewhere}, and the room is no longer kept.
     */
    public void leave(Connection connection, Command.Leave leave) {
        Room room = rooms.get(leave.room());
        if (room == null || !connection.rooms().contains(leave.room())) {
            connection.refuse(leave, ErrorCode.NOT_MEMBER, "you are not in " + leave.room());
            return;
        }
        room.lock.lock();
        try {
            Room.Member member = room.members.get(connection.userKey());
            remove(room, connection, member);
            connection.send(new Event.Left(room.name, null, null));
            if (member != null && connection.keepsRooms()) {
                leaveKeepingDevices(room, member);
            }
        } finally {
            room.lock.unlock();
        }
        if (connection.keepsRooms()) {
            memberships.forget(connection.userKey(), room.name);
            if (room.kind == Conversation.Kind.PRIVATE) {
                conversations.leftPrivateRoom(connection.userKey(), room.name);
            }
            if (clustered()) {
                relayed.fire(new Relayed.LeftKept(room.name, connection.userKey()));
            }
        }
    }

    /** Cluster mode: the user left a kept room on another node; its connections here that keep rooms leave it too. */
    public void leftElsewhere(String name, String userKey) {
        Room room = rooms.get(name);
        if (room != null) {
            room.lock.lock();
            try {
                Room.Member member = room.members.get(userKey);
                if (member != null) {
                    leaveKeepingDevices(room, member);
                }
            } finally {
                room.lock.unlock();
            }
        }
        conversations.changed(name);
    }

    /**
     * The member's connections that keep rooms leave it, each told {@code left_elsewhere}, and in a private room all
     * its connections (the user is no member any more); under the room's lock. The room knows its kind from its
     * joins, whether or not this node still holds the conversation (dropped on news of a change elsewhere).
     */
    private void leaveKeepingDevices(Room room, Room.Member member) {
        boolean all = room.kind == Conversation.Kind.PRIVATE;
        for (Connection device : List.copyOf(member.connections)) {
            if (all || device.keepsRooms()) {
                remove(room, device, member);
                device.send(new Event.Left(room.name, "left_elsewhere", null));
            }
        }
    }

    /**
     * Cluster mode: a user's read marker moved on another node: its connections here that keep rooms get {@code read},
     * and the room's members here who see receipts get {@code receipt}, if there is one.
     */
    public void markerMovedElsewhere(String userKey, Event.Read read, Event.Receipt receipt) {
        Room room = rooms.get(read.room());
        if (room == null) {
            return;
        }
        List<Connection> told;
        List<Connection> watchers;
        room.lock.lock();
        try {
            Room.Member member = room.members.get(userKey);
            told = member == null
                    ? List.of()
                    : member.connections.stream().filter(Connection::keepsRooms).toList();
            watchers = receipt == null ? List.of() : watchers(room, member);
        } finally {
            room.lock.unlock();
        }
        String frame = Frames.encode(read);
        told.forEach(each -> each.sendEncoded(frame));
        if (!watchers.isEmpty()) {
            String receiptFrame = Frames.encode(receipt);
            watchers.forEach(each -> each.sendSheddable(receiptFrame));
        }
    }

    /** Under the room's lock: who sees receipts in the room, but {@code reader}'s connections (a small room only). */
    private List<Connection> watchers(Room room, Room.Member reader) {
        List<Connection> watchers = new java.util.ArrayList<>();
        if (room.members.size() <= memberships.receiptsMaxMembers()) {
            room.members.forEach((key, other) -> {
                if (other != reader) {
                    other.connections.stream()
                            .filter(each -> each.keepsRooms() && each.receiptsOn())
                            .forEach(watchers::add);
                }
            });
        }
        return watchers;
    }

    /** Takes the connection out of the room, under the room's lock; the user departs with its last connection. */
    private void remove(Room room, Connection connection, Room.Member member) {
        connection.rooms().remove(room.name);
        if (member != null) {
            member.connections.remove(connection);
            room.connectionsChanged();
            if (member.connections.isEmpty()) {
                depart(room, connection.userKey(), member);
            }
        }
    }

    /**
     * Moves the user's read marker in the room (membership): only a logged-in user's connection that keeps rooms,
     * in the room; a marker beyond the room's last seq stops at it.
     */
    public void read(Connection connection, Command.Read read) {
        if (connection.identity().guest()) {
            connection.refuse(read, ErrorCode.UNAUTHORIZED, "read markers are kept for logged-in users");
            return;
        }
        if (!connection.keepsRooms()) {
            connection.refuse(read, ErrorCode.BAD_REQUEST, "read markers need membership=1 on the connection's URL");
            return;
        }
        Room room = rooms.get(read.room());
        if (room == null || !connection.rooms().contains(read.room())) {
            connection.refuse(read, ErrorCode.NOT_MEMBER, "you are not in " + read.room());
            return;
        }
        List<Connection> told;
        List<Connection> watchers;
        long last;
        room.lock.lock();
        try {
            Room.Member member = room.members.get(connection.userKey());
            told = member == null
                    ? List.of(connection)
                    : member.connections.stream().filter(Connection::keepsRooms).toList();
            watchers = watchers(room, member);
            last = room.lastSeq;
        } finally {
            room.lock.unlock();
        }
        memberships.read(connection, read, last, told, watchers);
    }

    /** The connection is gone: each of its rooms shows its user as left once the presence grace has passed. */
    public void disconnected(Connection connection) {
        for (String name : List.copyOf(connection.rooms())) {
            Room room = rooms.get(name);
            if (room == null) {
                continue;
            }
            room.lock.lock();
            try {
                Room.Member member = room.members.get(connection.userKey());
                if (member != null && member.connections.remove(connection)) {
                    room.connectionsChanged();
                    if (member.connections.isEmpty()) {
                        member.departure = scheduler.schedule(
                                () -> departAfterGrace(room, connection.userKey()),
                                limits.presenceGrace().toMillis(),
                                TimeUnit.MILLISECONDS);
                    }
                }
            } finally {
                room.lock.unlock();
            }
        }
        connection.rooms().clear();
    }

    public void post(Connection connection, Command.Say say) {
        if (say.ref() != null && !ProtocolRules.isRef(say.ref())) {
            connection.refuse(say, ErrorCode.BAD_REQUEST, "a ref is 1 to 64 characters");
            return;
        }
        Room room = rooms.get(say.room());
        if (room == null || !connection.rooms().contains(say.room())) {
            // only a retry of something it stored there may be answered, and the archive looks that up
            if (say.ref() == null || !ProtocolRules.isRoomName(say.room())) {
                connection.refuse(say, ErrorCode.NOT_MEMBER, "you are not in " + say.room());
            } else {
                posting.post(connection, say, false);
            }
            return;
        }
        if (moderation.muted(room.name, connection.userKey())) {
            connection.refuse(say, ErrorCode.MUTED, "you are muted in " + room.name);
            return;
        }
        if (say.hasFiles() && !filesMayGo(connection, say)) {
            return;
        }
        String problem = ProtocolRules.textProblem(say.text(), limits.maxTextCodePoints(), say.hasFiles());
        if (problem != null) {
            connection.refuse(say, ErrorCode.TEXT_INVALID, problem);
            return;
        }
        posting.post(connection, say, true, mentionsIn(room, say.text()));
    }

    /**
     * Files come only from logged-in users (their uploads are theirs by login), a bounded number per message. Whether
     * each id is an upload of the sender's that no message carries yet, the archive checks in the message's own
     * transaction: the upload may have gone to another node.
     */
    private boolean filesMayGo(Connection connection, Command.Say say) {
        if (connection.identity().guest()) {
            connection.refuse(say, ErrorCode.UNAUTHORIZED, "log in to share files");
            return false;
        }
        if (say.files().size() > fileRules.maxPerMessage()) {
            connection.refuse(
                    say, ErrorCode.LIMIT_EXCEEDED, "a message carries at most " + fileRules.maxPerMessage() + " files");
            return false;
        }
        boolean wellFormed = say.files().stream().allMatch(Attachment::isId)
                && say.files().stream().distinct().count() == say.files().size();
        if (!wellFormed) {
            connection.refuse(say, ErrorCode.BAD_REQUEST, "files must be distinct ids of your uploads");
            return false;
        }
        return true;
    }

    /** Who a text mentions by the bounds; {@code @room} only in a room of few enough members. */
    private Mentions mentionsIn(Room room, String text) {
        Mentions mentions = Mentions.in(text, mentionRules.maxPerMessage());
        return mentions.everyone() && room.memberCount() > mentionRules.roomMaxMembers()
                ? mentions.withoutEveryone()
                : mentions;
    }

    /**
     * The archive's receipts, on its thread, in the order the posts were handed on: stored messages go to their
     * rooms' sequencers, the rest to their senders.
     */
    public void onPostsSettled(@Observes PostsSettled settled) {
        for (PostsSettled.Settled one : settled.posts()) {
            Posting.Pending post = posting.settle(one.postId());
            Receipt receipt = one.receipt();
            if (receipt instanceof Receipt.Stored stored) {
                if (!release(stored.message(), post == null ? null : post.connection())) {
                    if (post != null) {
                        post.connection()
                                .refuse(
                                        post.say(),
                                        ErrorCode.NOT_MEMBER,
                                        "the room " + post.say().room() + " was deleted");
                    }
                } else if (post != null) {
                    storedHere(stored.message());
                }
            } else if (post == null || receipt instanceof Receipt.Failed && post.answeredLate()) {
                continue; // not this server's post, or its sender heard internal already and retries its ref
            } else if (receipt instanceof Receipt.Repeated repeated) {
                repeat(repeated.message(), post.connection());
            } else if (receipt instanceof Receipt.RefConflict) {
                post.connection().refuse(post.say(), ErrorCode.REF_CONFLICT, "this ref was used with another text");
            } else if (receipt instanceof Receipt.Invalid invalid) {
                post.connection().refuse(post.say(), ErrorCode.BAD_REQUEST, invalid.reason());
            } else if (receipt instanceof Receipt.NotStored) {
                post.connection()
                        .refuse(
                                post.say(),
                                ErrorCode.NOT_MEMBER,
                                "you are not in " + post.say().room());
            } else if (receipt instanceof Receipt.Failed) {
                post.connection().refuse(post.say(), ErrorCode.INTERNAL, "the message was not stored; retry");
            }
        }
    }

    /**
     * Stops taking posts (shutdown): every later {@code say} is refused with {@code internal}, and each post in
     * flight has been stored and released to its room's members, or answered, when this returns (at the latest at
     * {@code deadline}, in {@link System#nanoTime}).
     */
    public void stopPosting(long deadline) {
        posting.stopAndDrain(deadline);
    }

    public void typing(Connection connection, Command.Typing typing) {
        Room room = rooms.get(typing.room());
        if (room == null || !connection.rooms().contains(typing.room())) {
            connection.refuse(typing, ErrorCode.NOT_MEMBER, "you are not in " + typing.room());
            return;
        }
        long now = System.nanoTime();
        long interval = limits.typingInterval().toNanos();
        boolean[] forward = {false};
        room.typingForwardedAt.compute(connection.userKey(), (key, previous) -> {
            if (previous != null && now - previous < interval) {
                return previous;
            }
            forward[0] = true;
            return now;
        });
        if (!forward[0]) {
            return;
        }
        typingTo(room, connection.userKey(), connection.user());
        if (metrics.clusterState() == ClusterState.BUS_UP) {
            relayed.fire(new Relayed.Typed(room.name, connection.userKey(), connection.user()));
        }
    }

    /**
     * Answered from the archive on a history thread ({@link HistoryReads}), never on the container's; the
     * connection's later commands wait for the answer.
     */
    public void history(Connection connection, Command.History query) {
        if (!connection.rooms().contains(query.room())) {
            connection.refuse(query, ErrorCode.NOT_MEMBER, "you are not in " + query.room());
            return;
        }
        int limit = query.limit() == null
                ? ChatLimits.HISTORY_DEFAULT
                : Math.max(1, Math.min(ChatLimits.HISTORY_MAX, query.limit()));
        historyReads.answer(connection, query, () -> page(connection, query, limit));
    }

    /** A page of the room as the connection may see it, read on a history thread. */
    private Event.History page(Connection connection, Command.History query, int limit) {
        Room room = rooms.get(query.room());
        long released = room == null ? Long.MAX_VALUE : room.lastSeq;
        Event.History page = archive.page(query.room(), query.before(), query.after(), limit);
        // committed messages still on their way to the sequencer come live: not twice
        List<Event.Message> shown = page.messages().stream()
                .filter(message -> message.seq() <= released)
                .toList();
        boolean more = page.more() || shown.size() < page.messages().size();
        return new Event.History(page.room(), personal(shown, connection), more);
    }

    // ---- administration (dev.parley.admin): what operators see, and their actions' effects on the wire ----

    /** A room as an operator sees it. */
    /** A room as an operator sees it: {@code privateRoom} for a private room or direct conversation. */
    public record Overview(String name, int members, long lastSeq, boolean closed, boolean privateRoom) {}

    public List<Overview> overview() {
        return rooms.values().stream()
                .sorted(Comparator.comparing((Room room) -> room.name))
                .map(room -> new Overview(
                        room.name,
                        room.memberCount(),
                        room.lastSeq,
                        moderation.closed(room.name),
                        Conversation.isId(room.name)))
                .toList();
    }

    public boolean exists(String name) {
        return rooms.containsKey(name);
    }

    /** Every member's name (on every node, in cluster mode), sorted; empty if there is no such room. */
    public Optional<List<String>> members(String name) {
        Room room = rooms.get(name);
        if (room == null) {
            return Optional.empty();
        }
        room.lock.lock();
        try {
            return Optional.of(room.firstNames(Integer.MAX_VALUE));
        } finally {
            room.lock.unlock();
        }
    }

    /** Creates (and stores) a room whatever the auto-create setting says. */
    public void create(String name) {
        open(name);
    }

    /** Every message posted so far: seq is gap-free per room, so the sum of the rooms' latest seqs. */
    public long messagesStored() {
        return rooms.values().stream().mapToLong(room -> room.lastSeq).sum();
    }

    /**
     * Removes the user from the room at once (no presence grace): each of its connections there gets {@code left}
     * with reason {@code kicked}, the others {@code presence left}. The user may join again.
     *
     * @return whether the user was in the room
     */
    public boolean kick(String name, String userKey, String text) {
        Room room = rooms.get(name);
        if (room == null) {
            return false;
        }
        room.lock.lock();
        try {
            Room.Member member = room.members.get(userKey);
            if (member == null) {
                return false;
            }
            for (Connection connection : member.connections) {
                connection.rooms().remove(name);
                connection.send(new Event.Left(name, "kicked", text));
            }
            member.connections.clear();
            room.connectionsChanged();
            depart(room, userKey, member);
            memberships.forget(userKey, name);
            return true;
        } finally {
            room.lock.unlock();
        }
    }

    /**
     * Empties a room {@link Moderation#close closed} before: every member gets {@code left} with reason
     * {@code room_closed}; joins are refused from the moment it was marked closed (checked under the same lock).
     */
    public void evict(String name, String text) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock.lock();
        try {
            for (Map.Entry<String, Room.Member> entry : room.members.entrySet()) {
                Room.Member member = entry.getValue();
                if (member.departure != null) {
                    member.departure.cancel(false);
                }
                for (Connection connection : member.connections) {
                    connection.rooms().remove(name);
                    connection.send(new Event.Left(name, "room_closed", text));
                }
                hereInCluster(new PresenceHere(name, entry.getKey(), member.name, false));
            }
            room.clearMembers();
            room.connectionsChanged();
            room.typingForwardedAt.clear();
            room.takePresence();
            room.dropRecent();
        } finally {
            room.lock.unlock();
        }
    }

    /**
     * Deletes the room (an operator's purge, after {@link Moderation#close closing} it, so that no join gets in):
     * its members get {@code left} with reason {@code room_closed} and {@code text}; the posts to it still on their
     * way to the archive are waited for (at most {@code parley.store.timeout-ms}), so none is stored after the purge
     * into a room of the same name created later; then the archive deletes its messages and state, and the name is
     * free.
     *
     * @return the messages deleted
     * @throws PostsPending when posts are still on their way after that wait: nothing is deleted, the room stays
     */
    public long purge(String name, String text) {
        evict(name, text);
        if (!posting.awaitSettled(
                name, System.nanoTime() + limits.storeTimeout().toNanos())) {
            throw new PostsPending(name);
        }
        long deleted = archive.purge(name);
        forget(name);
        return deleted;
    }

    /**
     * Another node of the cluster deleted the room (its {@link #purge}): its members here get {@code left} with reason
     * {@code room_closed} and {@code text}, and this node forgets it; the database no longer has it.
     */
    public void deletedElsewhere(String name, String text) {
        evict(name, text);
        forget(name);
    }

    private void forget(String name) {
        conversations.changed(name);
        Room room = rooms.get(name);
        if (room != null) {
            room.lock.lock();
            try {
                room.purged = true;
                room.dropRecent();
                rooms.remove(name, room);
            } finally {
                room.lock.unlock();
            }
        }
    }

    /**
     * The stored message is redacted: so is the room's recent list, and every member gets {@code deleted}; a
     * message not yet released goes out redacted instead, so {@code deleted} never overtakes it.
     */
    public void redacted(String name, long seq) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock.lock();
        try {
            if (room.delete(seq)) {
                String frame = Frames.encode(new Event.Deleted(room.name, seq));
                room.connections().forEach(connection -> connection.sendEncoded(frame));
            }
        } finally {
            room.lock.unlock();
        }
    }

    /**
     * A message another node stored (cluster mode): it goes through the room's sequencer like this node's own, so it
     * is released in seq order and once, whichever of bus, gap fill and catch-up brings it first. A room this node
     * does not know yet was created elsewhere: it is added, from the message's seq.
     *
     * @return whether the room now waits for lower seqs that have not come (see {@link #fillGap})
     */
    public boolean releaseFromElsewhere(Event.Message message) {
        Room room = rooms.get(message.room());
        if (room == null) {
            synchronized (creation) {
                room = rooms.computeIfAbsent(message.room(), absent -> new Room(absent, message.seq() - 1, caches));
            }
        }
        boolean waits = sequenceAndSend(room, List.of(new Room.Release(message.withoutRef(), null)))
                .isPresent();
        trimCaches(null);
        return waits;
    }

    /**
     * Reads what the room still misses below the highest seq it holds back from the database and releases it: the
     * bus lost a message, or its node died between its commit and its publication.
     *
     * @return the messages found
     */
    public int fillGap(String name) {
        Room room = rooms.get(name);
        if (room == null) {
            return 0;
        }
        Optional<long[]> missing;
        room.lock.lock();
        try {
            missing = room.missing();
        } finally {
            room.lock.unlock();
        }
        int found = missing.isEmpty() ? 0 : catchUp(room, missing.get()[1]);
        trimCaches(null);
        return found;
    }

    /**
     * Compares every room's latest seq in the database with what this node released, and releases what it missed
     * (cluster mode: the bus gives no guarantee, the database is the record). Rooms created elsewhere are added; rooms
     * deleted elsewhere are {@linkplain #deletedElsewhere forgotten} (their news may have been lost with the bus).
     *
     * @return the messages found
     */
    public int catchUp() {
        // a room held before the read has its row committed before it (open() stores it first): one the read does not
        // find was deleted since
        Set<String> heldBefore = Set.copyOf(rooms.keySet());
        Map<String, Long> inDatabase = archive.rooms();
        for (String name : heldBefore) {
            if (!inDatabase.containsKey(name)) {
                deletedElsewhere(name, "the room was deleted");
            }
        }
        int found = 0;
        for (Map.Entry<String, Long> stored : inDatabase.entrySet()) {
            Room room = rooms.get(stored.getKey());
            if (room == null) {
                synchronized (creation) {
                    room = rooms.computeIfAbsent(stored.getKey(), name -> new Room(name, stored.getValue(), caches));
                }
            }
            found += catchUp(room, stored.getValue());
        }
        trimCaches(null);
        return found;
    }

    /** Reads the room's messages after its last released seq up to {@code upTo} and releases them, page by page. */
    private int catchUp(Room room, long upTo) {
        int found = 0;
        for (long from = released(room) + 1; from <= upTo && !room.purged; ) {
            int count = (int) Math.min(ChatLimits.HISTORY_MAX, upTo - from + 1);
            List<Room.Release> page = archive.page(room.name, null, from - 1, count).messages().stream()
                    .map(stored -> new Room.Release(stored, posting.waitingSender(stored)))
                    .toList();
            sequenceAndSend(room, page);
            found += page.size();
            long next = released(room) + 1;
            if (page.isEmpty() || next == from) {
                break; // nothing stored there (yet), or the page did not reach the gap: the next try reads again
            }
            from = next;
        }
        return found;
    }

    private static long released(Room room) {
        room.lock.lock();
        try {
            return room.lastSeq;
        } finally {
            room.lock.unlock();
        }
    }

    /**
     * Cluster mode: the user became a member of the room on some node ({@code joined}), or is a member on none any
     * more; the members here are told if that changes who is listed. A room this node does not know is left alone
     * (its members are read when this node's first member enters it).
     */
    public void presenceElsewhere(String name, String userKey, String userName, boolean joined) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock.lock();
        try {
            if (joined) {
                if (room.clusterJoined(userKey, userName)) {
                    room.presenceJoined(userName);
                    presence.publish(room);
                }
            } else {
                String unlisted = room.clusterLeft(userKey);
                if (unlisted != null) {
                    room.presenceLeft(unlisted);
                    presence.publish(room);
                }
            }
        } finally {
            room.lock.unlock();
        }
    }

    /**
     * Cluster mode: the room's members on every node as read from the cluster (user key to name), after news may
     * have been lost; the members here are told who came and went since what they were last told.
     */
    public void membersElsewhere(String name, Map<String, String> members) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock.lock();
        try {
            room.clusterMembers().keySet().stream()
                    .filter(userKey -> !members.containsKey(userKey))
                    .map(room::clusterLeft)
                    .filter(java.util.Objects::nonNull)
                    .forEach(room::presenceLeft);
            members.forEach((userKey, userName) -> {
                if (room.clusterJoined(userKey, userName)) {
                    room.presenceJoined(userName);
                }
            });
            presence.publish(room);
        } finally {
            room.lock.unlock();
        }
    }

    /** Who is a member of which room on this node: room to user key to name (cluster mode, after a reconnection). */
    public Map<String, Map<String, String>> membersHere() {
        Map<String, Map<String, String>> here = new java.util.TreeMap<>();
        for (Room room : rooms.values()) {
            room.lock.lock();
            try {
                if (!room.members.isEmpty()) {
                    Map<String, String> names = new java.util.HashMap<>();
                    room.members.forEach((userKey, member) -> names.put(userKey, member.name));
                    here.put(room.name, names);
                }
            } finally {
                room.lock.unlock();
            }
        }
        return here;
    }

    /** Cluster mode only: one node has nobody to tell, and each event is a call into the cluster's session bean. */
    private void hereInCluster(PresenceHere here) {
        if (clustered()) {
            presenceHere.fire(here);
        }
    }

    private boolean clustered() {
        return metrics.clusterState().clustered();
    }

    /** Cluster mode: a member on another node is typing in the room (its node kept to the typing interval). */
    public void typingElsewhere(String name, String userKey, String userName) {
        Room room = rooms.get(name);
        if (room != null) {
            typingTo(room, userKey, userName);
        }
    }

    private static void typingTo(Room room, String userKey, String userName) {
        String frame = Frames.encode(new Event.Typing(room.name, userName));
        room.members.forEach((key, member) -> {
            if (!key.equals(userKey)) {
                member.connections.forEach(c -> c.sendEncoded(frame));
            }
        });
    }

    /** A {@code notice} with {@code room} to the room's members. */
    public boolean announce(String name, String text) {
        Room room = rooms.get(name);
        if (room == null) {
            return false;
        }
        String frame = Frames.encode(new Event.Notice(text, name));
        room.connections().forEach(connection -> connection.sendEncoded(frame));
        return true;
    }

    private Room open(String name) {
        synchronized (creation) {
            return rooms.computeIfAbsent(name, absent -> new Room(name, archive.openRoom(name), caches));
        }
    }

    /**
     * Hands the stored message to its room's sequencer and sends what that releases. A seq that did not come before
     * a higher one (a transaction whose outcome the archive could not know, or another writer) is read back from the
     * database, outside the room's lock.
     */
    private boolean release(Event.Message message, Connection sender) {
        Room room = rooms.get(message.room());
        if (room == null) {
            return false;
        }
        readBack(room, sequenceAndSend(room, List.of(new Room.Release(message, sender))));
        trimCaches(null);
        return true;
    }

    /**
     * A retry of a stored ref: its sender gets the stored message again. A message its room has not released yet was
     * stored by a commit the archive reported failed (the connection broke while it committed, so the outcome was
     * unknown): it goes through the sequencer now, to every member, so that it is not delivered to its sender only.
     */
    private void repeat(Event.Message message, Connection sender) {
        Room room = rooms.get(message.room());
        if (room == null) {
            sender.send(message);
            return;
        }
        Optional<long[]> missing;
        room.lock.lock();
        try {
            if (message.seq() <= room.lastSeq) {
                sender.send(message);
                return;
            }
            room.sequence(message, sender).forEach(ready -> broadcast(room, ready));
            missing = room.missing();
        } finally {
            room.lock.unlock();
        }
        readBack(room, missing);
        trimCaches(null);
        storedHere(message); // first known stored now: its commit was reported failed
    }

    /**
     * A message posted on this node is stored (and handed to its room's sequencer): a direct conversation comes back
     * to a member who left it. Here, and not when the post was accepted: a post the archive refuses (its ref stored
     * already, a ref conflict, a failed commit) or one refused before (the store full, a resend held back) must not
     * bring it back, and only the stored message is certain to be one; its seq also says exactly up to where the
     * member has read. A member in the room here with a connection that keeps rooms, to whom it was released, still
     * keeps it, and costs no database look-up.
     */
    private void storedHere(Event.Message message) {
        Room room = rooms.get(message.room());
        if (room != null && room.kind == Conversation.Kind.DIRECT) { // set by the sender's join
            conversations.postedDirect(message, userKey -> receivedKeeping(room, message, userKey));
        }
    }

    /** Whether the message was released in its room and the user is in it with a connection that keeps rooms. */
    private static boolean receivedKeeping(Room room, Event.Message message, String userKey) {
        room.lock.lock();
        try {
            Room.Member member = room.members.get(userKey);
            return message.seq() <= room.lastSeq
                    && member != null
                    && member.connections.stream().anyMatch(Connection::keepsRooms);
        } finally {
            room.lock.unlock();
        }
    }

    /** Reads the seqs a room is missing below a higher one from the database and releases them. */
    private void readBack(Room room, Optional<long[]> missing) {
        missing.ifPresent(gap -> catchUp(room, gap[1]));
    }

    private Optional<long[]> sequenceAndSend(Room room, List<Room.Release> stored) {
        room.lock.lock();
        try {
            for (Room.Release one : stored) {
                room.sequence(one.message(), one.sender()).forEach(ready -> broadcast(room, ready));
            }
            return room.missing();
        } finally {
            room.lock.unlock();
        }
    }

    /** Sends a released message to every member; the sender's copy carries its ref, even if it left the room. */
    private void broadcast(Room room, Room.Release release) {
        Event.Message message = release.message();
        Connection sender = release.sender();
        boolean personal = sender != null && message.ref() != null;
        long start = System.nanoTime();
        String frame = Frames.encode(message.withoutRef());
        Connection[] recipients = room.recipients();
        int enqueued = 0;
        for (Connection connection : recipients) {
            if (connection != sender || !personal) {
                connection.enqueueEncoded(frame);
                enqueued++;
            }
        }
        if (personal) {
            sender.send(message);
        }
        mention(room, message, recipients);
        // the sender's outbox is flushed too: a no-op, as its own copy has been offered
        writers.flush(Arrays.asList(recipients));
        metrics.fannedOut(enqueued + (personal ? 1 : 0), System.nanoTime() - start);
    }

    /**
     * Each connection here of a member the message mentions (never its sender) gets {@code mention} after the
     * message: every node releases every message once and tells its own connections.
     */
    private void mention(Room room, Event.Message message, Connection[] recipients) {
        Mentions mentions = message.deleted() == null ? mentionsIn(room, message.text()) : Mentions.NONE;
        if (mentions.none()) {
            return;
        }
        String senderKey = message.senderKey();
        String frame = null;
        for (Connection connection : recipients) {
            String userKey = connection.userKey();
            if (!userKey.equals(senderKey) && (mentions.everyone() || mentions.names(userKey))) {
                if (frame == null) {
                    frame = Frames.encode(new Event.Mention(message.room(), message.seq(), message.from()));
                }
                connection.enqueueEncoded(frame);
            }
        }
    }

    private void departAfterGrace(Room room, String userKey) {
        room.lock.lock();
        try {
            Room.Member member = room.members.get(userKey);
            if (member != null && member.connections.isEmpty()) {
                depart(room, userKey, member);
            }
        } finally {
            room.lock.unlock();
        }
    }

    private void depart(Room room, String userKey, Room.Member member) {
        if (member.departure != null) {
            member.departure.cancel(false);
            member.departure = null;
        }
        room.removeMember(userKey);
        room.typingForwardedAt.remove(userKey);
        if (!room.listed(userKey)) {
            room.presenceLeft(member.name);
            presence.publish(room);
        }
        hereInCluster(new PresenceHere(room.name, userKey, member.name, false));
        if (room.members.isEmpty()) {
            // nobody reads it until the next join, which can read the archive as the first join did (and who may
            // join a conversation: what this node holds in memory stays within the rooms in use)
            room.dropRecent();
            conversations.changed(room.name);
        }
    }

    /** Drops the caches used longest ago until the total is within the budget; never {@code spared}'s. */
    private void trimCaches(Room spared) {
        while (caches.overBudget()) {
            Room oldest = caches.leastRecentlyUsed(spared);
            if (oldest == null) {
                return;
            }
            oldest.lock.lock();
            try {
                oldest.dropRecent();
            } finally {
                oldest.lock.unlock();
            }
        }
    }

    /** The recent messages every room keeps, in chars (see {@link RecentCaches#size}). */
    public long cachedChars() {
        return caches.cachedChars();
    }

    private static List<String> membersListed(Room room) {
        return room.firstNames(ChatLimits.MEMBERS_LISTED);
    }

    /** Keeps {@code ref} only on the messages the connection's own user posted. */
    private static List<Event.Message> personal(List<Event.Message> messages, Connection connection) {
        return messages.stream()
                .map(message -> message.ref() != null && message.senderKey().equals(connection.userKey())
                        ? message
                        : message.withoutRef())
                .toList();
    }
}
