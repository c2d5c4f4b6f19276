package dev.parley.chat.control;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.PrivateRooms;
import dev.parley.chat.entity.Relayed;
import dev.parley.chat.entity.RoomMemberships;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rooms kept by the server for logged-in users who ask for it ({@code membership=1}), and their read markers. At
 * connect such a connection gets {@code kept} (its rooms, markers and unread counts) and is joined to each room; its
 * joins keep a room and its {@code leave} forgets it for every device. A {@code read} moves the user's marker forward
 * and tells all of the user's kept-room connections in the room at once; moved markers are written together every
 * {@code parley.membership.marker-store-interval-ms}, so reading fast costs one update per room and interval.
 *
 * <p>Every database call runs on one thread of Parley's own, in the order asked, so a room kept and then forgotten is
 * forgotten; what waits for it is bounded ({@code parley.membership.max-queued}). No container thread waits.
 */
@ApplicationScoped
public class Memberships {

    private static final Logger LOG = Logger.getLogger(Memberships.class.getName());

    @Inject
    RoomMemberships archive;

    @Inject
    PrivateRooms privateRooms;

    @Inject
    jakarta.enterprise.event.Event<Relayed> relayed;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ScheduledExecutorService scheduler;

    private MembershipSettings settings;
    private ThreadPoolExecutor worker;
    private ScheduledFuture<?> storing;
    /** Markers moved and not yet written; written (and removed) by {@link #storeMarkers} on the worker. */
    private final Map<RoomMemberships.Key, Long> unstored = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        start(MembershipSettings.from(Settings.fromEnvironment()), threads, scheduler);
    }

    void start(MembershipSettings settings, ThreadFactory threadFactory, ScheduledExecutorService timer) {
        this.settings = settings;
        worker = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.maxQueued())),
                runnable -> {
                    Thread thread = threadFactory.newThread(runnable);
                    thread.setName("parley-memberships");
                    return thread;
                });
        long every = Math.max(10, settings.markerStoreInterval().toMillis());
        storing = timer.scheduleWithFixedDelay(
                () -> submit(this::storeMarkers, refused -> {}), every, every, TimeUnit.MILLISECONDS);
    }

    /** Writes the moved markers before the server stops; each write is bounded by the store's statement timeout. */
    @PreDestroy
    void stop() {
        storing.cancel(false);
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storeMarkers();
    }

    /**
     * A connection opened: if it keeps rooms, its later commands wait while its rooms are read, then it gets
     * {@code kept} and a {@code joined} for each room, as if it had sent the joins first.
     */
    public void connected(Connection connection) {
        if (!connection.keepsRooms()) {
            return;
        }
        connection.finishesLater();
        submit(
                () -> {
                    try {
                        storeMarkers(); // so the counts below start from every marker moved so far
                        List<Event.KeptRoom> kept = described(archive.kept(connection.userKey()), connection.userKey());
                        boolean receipts = archive.receiptsOn(connection.userKey());
                        connection.receiptsOn(receipts);
                        connection.send(new Event.Receipts(null, receipts, null));
                        connection.send(new Event.Kept(kept));
                        connection.runFirst(kept.stream()
                                .map(room -> (Command) new Command.Join(room.room()))
                                .toList());
                    } catch (RuntimeException failed) {
                        LOG.log(Level.WARNING, "the rooms of " + connection + " could not be read", failed);
                        connection.send(Event.Error.of(
                                ErrorCode.INTERNAL, "your rooms could not be read; reconnect to get them"));
                    } finally {
                        connection.finished();
                    }
                },
                refused -> {
                    connection.send(Event.Error.of(
                            ErrorCode.RATE_LIMITED, "your rooms could not be read now; reconnect in a moment"));
                    connection.finished();
                });
    }

    /** The kept rooms, each conversation among them saying what it is, as the user sees it. */
    private List<Event.KeptRoom> described(List<Event.KeptRoom> kept, String userKey) {
        List<String> ids = kept.stream()
                .map(Event.KeptRoom::room)
                .filter(Conversation::isId)
                .toList();
        if (ids.isEmpty()) {
            return kept;
        }
        Map<String, Conversation> conversations = new HashMap<>();
        privateRooms.findAll(ids).forEach(conversation -> conversations.put(conversation.room(), conversation));
        return kept.stream()
                .map(room -> {
                    Conversation conversation = conversations.get(room.room());
                    return conversation == null ? room : conversation.describe(room, userKey);
                })
                .toList();
    }

    /** Read receipts are sent in rooms of at most this many members ({@code parley.receipts.max-members}). */
    public int receiptsMaxMembers() {
        return settings.receiptsMaxMembers();
    }

    /**
     * The connection joined the room; if it keeps rooms, its user keeps this one, read up to {@code last}, and in a
     * room small enough for receipts it gets where the other keepers have read up to.
     */
    public void joined(Connection connection, String room, long last, boolean receiptsApply) {
        if (!connection.keepsRooms()) {
            return;
        }
        String user = connection.userKey();
        submit(
                () -> {
                    guarded("keep " + room + " for " + user, () -> archive.keep(user, connection.user(), room, last));
                    if (receiptsApply && connection.receiptsOn()) {
                        guarded("read the receipts of " + room, () -> connection.send(receipts(room, user)));
                    }
                },
                refused ->
                        LOG.warning("the membership of " + user + " in " + room + " was not stored: too much waits"));
    }

    /** Where the room's keepers but {@code userKey} have read up to, moves not yet written included. */
    private Event.Receipts receipts(String room, String userKey) {
        Map<String, Long> read = new java.util.TreeMap<>();
        for (RoomMemberships.Reader reader : archive.readers(room)) {
            if (!reader.userKey().equals(userKey)) {
                long moved = unstored.getOrDefault(new RoomMemberships.Key(reader.userKey(), room), 0L);
                read.put(reader.userName(), Math.max(reader.read(), moved));
            }
        }
        return new Event.Receipts(room, null, read);
    }

    /**
     * The user sends read receipts and sees others' ({@code on}), or neither, on every device from now on: each of
     * the user's connections that keep rooms is told.
     */
    public void receipts(Connection connection, Command.Receipts receipts, List<Connection> usersConnections) {
        if (connection.identity().guest()) {
            connection.refuse(receipts, ErrorCode.UNAUTHORIZED, "read receipts are for logged-in users");
            return;
        }
        if (!connection.keepsRooms()) {
            connection.refuse(receipts, ErrorCode.BAD_REQUEST, "read receipts need membership=1 on the URL");
            return;
        }
        submit(
                () -> {
                    try {
                        archive.receipts(connection.userKey(), receipts.on());
                    } catch (RuntimeException failed) {
                        LOG.log(Level.WARNING, "the receipts choice of " + connection + " was not stored", failed);
                        connection.refuse(receipts, ErrorCode.INTERNAL, "your choice could not be stored; retry");
                        return;
                    }
                    String frame = Frames.encode(new Event.Receipts(null, receipts.on(), null));
                    for (Connection each : usersConnections) {
                        if (each.keepsRooms()) {
                            each.receiptsOn(receipts.on());
                            each.sendEncoded(frame);
                        }
                    }
                },
                refused -> connection.refuse(
                        receipts, ErrorCode.RATE_LIMITED, "too much waits for the database; retry shortly"));
    }

    /** The user no longer keeps the room: its connection left it, or an operator removed the user. */
    public void forget(String userKey, String room) {
        unstored.remove(new RoomMemberships.Key(userKey, room));
        submit(
                () -> guarded("forget " + room + " for " + userKey, () -> archive.forget(userKey, room)),
                refused -> LOG.warning(
                        "the membership of " + userKey + " in " + room + " was not removed: too much waits"));
    }

    /**
     * Moves the user's marker to {@code seq} (never back, at most {@code last}) and tells {@code told} (the user's
     * kept-room connections in the room) where it stands, with the unread count; if it moved and the user sends
     * receipts, {@code watchers} (the other members' connections that see them) get a {@code receipt}, which one
     * that is behind goes without. The write waits for the next store.
     */
    public void read(
            Connection connection, Command.Read read, long last, List<Connection> told, List<Connection> watchers) {
        RoomMemberships.Key key = new RoomMemberships.Key(connection.userKey(), read.room());
        long asked = Math.min(read.seq(), last);
        submit(
                () -> {
                    try {
                        long movedBefore = unstored.getOrDefault(key, 0L);
                        RoomMemberships.Marker marker =
                                archive.read(key.userKey(), key.room(), Math.max(asked, movedBefore));
                        if (marker == null) {
                            connection.refuse(read, ErrorCode.NOT_MEMBER, "you do not keep " + read.room());
                            return;
                        }
                        if (marker.read() > marker.stored()) {
                            unstored.merge(key, marker.read(), Math::max);
                        }
                        Event.Read moved = new Event.Read(
                                key.room(), marker.read(), marker.unread(), Event.countOrAbsent(marker.mentions()));
                        String frame = Frames.encode(moved);
                        told.forEach(each -> each.sendEncoded(frame));
                        Event.Receipt receipt = null;
                        if (marker.read() > Math.max(marker.stored(), movedBefore) && connection.receiptsOn()) {
                            receipt = new Event.Receipt(key.room(), connection.user(), marker.read());
                            String receiptFrame = Frames.encode(receipt);
                            watchers.forEach(each -> each.sendSheddable(receiptFrame));
                        }
                        relayed.fire(new Relayed.MarkerMoved(key.userKey(), moved, receipt));
                    } catch (RuntimeException failed) {
                        LOG.log(Level.WARNING, "the read marker of " + connection + " could not be moved", failed);
                        connection.refuse(read, ErrorCode.INTERNAL, "your read marker could not be moved; retry");
                    }
                },
                refused -> connection.refuse(
                        read, ErrorCode.RATE_LIMITED, "too many read markers wait for the database; retry shortly"));
    }

    /** Read markers moved and not yet written. */
    public int unstoredMarkers() {
        return unstored.size();
    }

    /** Writes every moved marker; on the worker (or at stop). A marker that fails stays for the next time. */
    private void storeMarkers() {
        if (unstored.isEmpty()) {
            return;
        }
        Map<RoomMemberships.Key, Long> markers = new HashMap<>(unstored);
        try {
            archive.store(markers);
            markers.forEach(unstored::remove);
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, markers.size() + " read markers could not be stored; trying again later", failed);
        }
    }

    /** Runs the task on the memberships' thread, after every task submitted before; {@code refused} if too much waits. */
    void submit(Runnable task, Consumer<RejectedExecutionException> refused) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            refused.accept(e);
        }
    }

    private static void guarded(String what, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "could not " + what, failed);
        }
    }
}
