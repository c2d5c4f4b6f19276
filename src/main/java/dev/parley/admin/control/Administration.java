package dev.parley.admin.control;

import dev.parley.admin.entity.AuditView;
import dev.parley.admin.entity.Ban;
import dev.parley.admin.entity.BanView;
import dev.parley.admin.entity.ClosedRoom;
import dev.parley.admin.entity.Mute;
import dev.parley.admin.entity.MuteView;
import dev.parley.admin.entity.Stats;
import dev.parley.chat.control.Moderation;
import dev.parley.chat.control.PostsPending;
import dev.parley.chat.control.ProtocolRules;
import dev.parley.chat.control.Rooms;
import dev.parley.chat.control.Users;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.MessageDeleted;
import dev.parley.chat.entity.OperatorAction;
import dev.parley.chat.entity.RestrictionsStale;
import dev.parley.history.boundary.MessageArchive;
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
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every operator action, for the REST API and the MXBean alike: check the input, store the restriction, make chat
 * enforce it and show it on the wire, arm its timer, write the audit row. An EJB, so a call from a JMX thread (which
 * has no EE context) gets the container's context like any other.
 *
 * <p>Timed bans and mutes end with non-persistent timers (Liberty's EJB Lite ignores persistent ones), re-armed at
 * startup from the stored restrictions; chat compares the end time at every check, so a restriction never outlives
 * its time even if its timer is late.
 *
 * <p>In a cluster, every action is told to the other nodes ({@link OperatorAction}); they read the restrictions again
 * from the database ({@link RestrictionsStale}), expel whom a new ban names and empty a newly closed room. What needs
 * the other nodes at once and is stored nowhere (a kick, an announcement) is refused while the cluster bus is down.
 */
@Singleton
@Startup
@DependsOn("Rooms")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Administration {

    /** The longest timed ban or mute; longer ones overflowed their end in milliseconds and ended at once. */
    static final long MAX_SECONDS = 100L * 365 * 24 * 3600;

    private static final Logger LOG = Logger.getLogger(Administration.class.getName());
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    static final int MAX_REASON = 1000;

    @Inject
    Rooms rooms;

    @Inject
    Users users;

    @Inject
    Moderation moderation;

    @Inject
    MessageArchive archive;

    @Inject
    ModerationStore store;

    @Inject
    AuditTrail audit;

    @Inject
    Metrics metrics;

    @Inject
    jakarta.enterprise.event.Event<MessageDeleted> messageDeleted;

    @Inject
    jakarta.enterprise.event.Event<OperatorAction> operatorActions;

    @Resource
    TimerService timers;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ScheduledExecutorService scheduler;

    Clock clock = Clock.systemUTC();
    AdminSettings settings;
    private long startedAt;
    private final Deque<long[]> samples = new ArrayDeque<>();
    private ScheduledFuture<?> sampling;
    /**
     * Held while restrictions are stored and applied, and while they are read again: a read that began before an
     * action stored its change must not put the old state back after the action applied it.
     */
    private final ReentrantLock restrictions = new ReentrantLock();

    /** What a timer ends: a ban ({@code user}/{@code address}) or a mute, if it still ends at {@code until}. */
    record Expiry(String kind, String subject, String room, long until) implements Serializable {}

    @PostConstruct
    void start() {
        settings = AdminSettings.from(Settings.fromEnvironment());
        startedAt = clock.millis();
        for (Ban ban : store.bans()) {
            if (Ban.USER.equals(ban.kind())) {
                moderation.banUser(ban.subject(), ban.until());
            } else {
                moderation.banAddress(ban.subject(), ban.until());
            }
            arm(new Expiry(ban.kind(), ban.subject(), null, ban.until()));
        }
        for (Mute mute : store.mutes()) {
            moderation.mute(mute.room(), mute.userKey(), mute.until());
            arm(new Expiry("mute", mute.userKey(), mute.room(), mute.until()));
        }
        store.closedRooms().forEach(closed -> moderation.close(closed.room()));
        sampling = scheduler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (sampling != null) {
            sampling.cancel(false);
        }
    }

    // ---- what an operator sees ----

    public Stats stats() {
        return new Stats(
                users.connectionCount(),
                rooms.roomCount(),
                rooms.messagesStored(),
                messagesPerSecond(),
                (clock.millis() - startedAt) / 1000);
    }

    public List<Rooms.Overview> rooms() {
        return rooms.overview();
    }

    public List<String> members(String room) {
        return rooms.members(room).orElseThrow(() -> AdminRefused.notFound("there is no room " + room));
    }

    public List<BanView> bans() {
        return store.bans().stream().map(Ban::view).toList();
    }

    public List<MuteView> mutes() {
        return store.mutes().stream().map(Mute::view).toList();
    }

    public List<AuditView> audit(int limit) {
        return audit(0, limit);
    }

    /** One page of the trail, newest first: a long trail is read page by page, never whole. */
    public List<AuditView> audit(int offset, int limit) {
        return audit.latest(Math.max(0, offset), Math.max(1, Math.min(limit, settings.auditShown())));
    }

    // ---- actions; actor is the principal's name, or "jmx" ----

    /**
     * Removes the user from the room. In a cluster the other nodes remove it too; whether it was in the room there is
     * not known here, so only a single node answers 404.
     */
    public void kick(String actor, String room, String user, String reason) {
        existingRoom(room);
        requireClusterBus("a kick");
        String key = userKey(user);
        if (!rooms.kick(room, key, reason(reason)) && !clustered()) {
            throw AdminRefused.notFound(user + " is not in " + room);
        }
        operatorActions.fire(new OperatorAction.Kicked(room, key, reason(reason)));
        audit.record(actor, "kick", room + "/" + user, reason(reason));
    }

    /**
     * Bans a user for {@code seconds}, 0 = permanently: {@code user} is a name, which means the account while the
     * name is reserved and else the guest, or a key ({@code g:ops}, {@code a:ops}) for the one meant.
     */
    public void ban(String actor, String user, long seconds, String reason) {
        banSubject(actor, Ban.USER, userKey(user), seconds, reason);
    }

    public void banAddress(String actor, String address, long seconds, String reason) {
        if (address == null || !ADDRESS.matcher(address).matches()) {
            throw AdminRefused.invalid("an address is an IPv4 or IPv6 literal, e.g. 10.0.0.7");
        }
        banSubject(actor, Ban.ADDRESS, address, seconds, reason);
    }

    public void unban(String actor, String user) {
        liftBan(actor, Ban.USER, userKey(user));
    }

    public void unbanAddress(String actor, String address) {
        liftBan(actor, Ban.ADDRESS, address);
    }

    public void mute(String actor, String room, String user, long seconds) {
        existingRoom(room);
        long until = until(seconds);
        String key = userKey(user);
        restricting(() -> {
            store.mute(new Mute(room, key, until, clock.millis(), actor));
            moderation.mute(room, key, until);
        });
        arm(new Expiry("mute", key, room, until));
        audit.record(actor, "mute", room + "/" + user, seconds == 0 ? "permanent" : seconds + " s");
    }

    public void unmute(String actor, String room, String user) {
        String key = userKey(user);
        restricting(() -> {
            if (store.unmute(room, key, null).isEmpty()) {
                throw AdminRefused.notFound(user + " is not muted in " + room);
            }
            moderation.unmute(room, key, null);
        });
        audit.record(actor, "unmute", room + "/" + user, null);
    }

    /** Creates the room (whatever auto-create says), or reopens it if it was closed. */
    public void createRoom(String actor, String room) {
        if (!ProtocolRules.isRoomName(room)) {
            throw AdminRefused.invalid("a room name is 1 to 32 of a-z, 0-9, '_' and '-'");
        }
        rooms.create(room);
        restricting(() -> {
            if (store.reopen(room)) {
                moderation.reopen(room);
            }
        });
        audit.record(actor, "create-room", room, null);
    }

    public void closeRoom(String actor, String room, String reason) {
        existingRoom(room);
        restricting(() -> {
            store.close(new ClosedRoom(room, reason(reason), clock.millis(), actor));
            moderation.close(room);
            rooms.evict(room, reason(reason));
        });
        audit.record(actor, "close-room", room, reason(reason));
    }

    /**
     * Deletes the room (not {@code general}): its members get {@code left} with reason {@code room_closed}, and its
     * messages, its state, its mutes and its closed mark are deleted from the database, so that nothing refers to it;
     * its name is free for a new, empty room. Joins are refused while it is deleted.
     */
    public void purgeRoom(String actor, String room, String reason) {
        existingRoom(room);
        if (Rooms.GENERAL.equals(room)) {
            throw AdminRefused.invalid("general cannot be deleted; close it or delete its messages instead");
        }
        String why = reason(reason);
        String text = why == null ? "the room was deleted" : "the room was deleted: " + why;
        long deleted;
        restrictions.lock();
        try {
            boolean wasClosed = moderation.closed(room);
            moderation.close(room);
            try {
                deleted = rooms.purge(room, text);
                store.forgetRoom(room);
            } catch (RuntimeException failed) {
                // the room is still there, or partly: open as it was, so the operator can try again
                if (!wasClosed) {
                    moderation.reopen(room);
                }
                throw failed instanceof PostsPending pending ? AdminRefused.busy(pending.getMessage()) : failed;
            }
            moderation.forgetRoom(room);
        } finally {
            restrictions.unlock();
        }
        operatorActions.fire(new OperatorAction.RoomDeleted(room, text));
        audit.record(actor, "purge-room", room, deleted + " messages" + (why == null ? "" : ": " + why));
    }

    public void reopenRoom(String actor, String room) {
        existingRoom(room);
        restricting(() -> {
            if (!store.reopen(room)) {
                throw AdminRefused.notFound("the room " + room + " is not closed");
            }
            moderation.reopen(room);
        });
        audit.record(actor, "reopen-room", room, null);
    }

    public void deleteMessage(String actor, String room, long seq, String reason) {
        existingRoom(room);
        Event.Message redacted = archive.redact(room, seq)
                .orElseThrow(() -> AdminRefused.notFound("there is no message " + seq + " in " + room));
        rooms.redacted(redacted.room(), redacted.seq());
        messageDeleted.fire(new MessageDeleted(room, seq));
        audit.record(actor, "delete-message", room + "#" + seq, reason(reason));
    }

    /** A {@code notice} to everyone connected. */
    public void announce(String actor, String text) {
        announcement(text);
        requireClusterBus("an announcement");
        users.announce(text);
        operatorActions.fire(new OperatorAction.Announced(null, text));
        audit.record(actor, "announce", null, text);
    }

    /** A {@code notice} to the members of one room. */
    public void announce(String actor, String room, String text) {
        existingRoom(room);
        announcement(text);
        requireClusterBus("an announcement");
        rooms.announce(room, text);
        operatorActions.fire(new OperatorAction.Announced(room, text));
        audit.record(actor, "announce", room, text);
    }

    // ---- timers ----

    @Timeout
    void expire(Timer timer) {
        if (!(timer.getInfo() instanceof Expiry expiry)) {
            return;
        }
        boolean ended;
        String target;
        restrictions.lock();
        try {
            if ("mute".equals(expiry.kind())) {
                ended = store.unmute(expiry.room(), expiry.subject(), expiry.until())
                        .isPresent();
                moderation.unmute(expiry.room(), expiry.subject(), expiry.until());
                target = expiry.room() + "/" + expiry.subject();
            } else {
                ended = store.unban(expiry.kind(), expiry.subject(), expiry.until())
                        .isPresent();
                if (Ban.USER.equals(expiry.kind())) {
                    moderation.unbanUser(expiry.subject(), expiry.until());
                } else {
                    moderation.unbanAddress(expiry.subject(), expiry.until());
                }
                target = Ban.idOf(expiry.kind(), expiry.subject());
            }
        } finally {
            restrictions.unlock();
        }
        if (ended) {
            operatorActions.fire(new OperatorAction.RestrictionsChanged());
            audit.record("expiry", "mute".equals(expiry.kind()) ? "mute-ended" : "ban-ended", target, null);
        }
    }

    /** A non-persistent timer at the restriction's end (at once if that has passed); none for a permanent one. */
    private void arm(Expiry expiry) {
        if (expiry.until() == Moderation.PERMANENT) {
            return;
        }
        long delay = Math.max(0, expiry.until() - clock.millis());
        timers.createSingleActionTimer(delay, new TimerConfig(expiry, false));
    }

    private void banSubject(String actor, String kind, String subject, long seconds, String reason) {
        long until = until(seconds);
        String why = reason(reason);
        restricting(() -> {
            store.ban(new Ban(kind, subject, until, why, clock.millis(), actor));
            if (Ban.USER.equals(kind)) {
                moderation.banUser(subject, until);
            } else {
                moderation.banAddress(subject, until);
            }
            int expelled = expel(kind, subject, why);
            LOG.fine(() -> "ban of " + kind + " " + subject + " closed " + expelled + " connections");
        });
        arm(new Expiry(kind, subject, null, until));
        audit.record(
                actor,
                "ban",
                Ban.idOf(kind, subject),
                (seconds == 0 ? "permanent" : seconds + " s") + (why == null ? "" : ": " + why));
    }

    private void liftBan(String actor, String kind, String subject) {
        restricting(() -> {
            if (store.unban(kind, subject, null).isEmpty()) {
                throw AdminRefused.notFound(Ban.idOf(kind, subject) + " is not banned");
            }
            if (Ban.USER.equals(kind)) {
                moderation.unbanUser(subject, null);
            } else {
                moderation.unbanAddress(subject, null);
            }
        });
        audit.record(actor, "unban", Ban.idOf(kind, subject), null);
    }

    /** The connections a ban names get {@code error banned} and close with 4004. */
    private int expel(String kind, String subject, String why) {
        return users.expel(
                Ban.USER.equals(kind) ? subject : null,
                Ban.ADDRESS.equals(kind) ? subject : null,
                why == null ? "you are banned" : "you are banned: " + why);
    }

    /**
     * Stores and applies a change of the restrictions, then tells the other nodes of a cluster, which read them again.
     */
    private void restricting(Runnable change) {
        restrictions.lock();
        try {
            change.run();
        } finally {
            restrictions.unlock();
        }
        operatorActions.fire(new OperatorAction.RestrictionsChanged());
    }

    /**
     * Cluster mode: another node changed the restrictions, or may have. They are read from the database and taken as
     * they are; whom a ban new to this node names is expelled here, and a room newly closed is emptied here.
     */
    public void onRestrictionsStale(@Observes RestrictionsStale stale) {
        restrictions.lock();
        try {
            Moderation.Restrictions before = moderation.restrictions();
            List<Ban> bans = store.bans();
            List<ClosedRoom> closed = store.closedRooms();
            Map<String, Long> mutes = new HashMap<>();
            store.mutes()
                    .forEach(mute ->
                            mutes.put(Moderation.Restrictions.muteOf(mute.room(), mute.userKey()), mute.until()));
            moderation.adopt(new Moderation.Restrictions(
                    bansOf(bans, Ban.USER),
                    bansOf(bans, Ban.ADDRESS),
                    mutes,
                    closed.stream().map(ClosedRoom::room).collect(Collectors.toSet())));
            for (Ban ban : bans) {
                Map<String, Long> held = Ban.USER.equals(ban.kind()) ? before.bannedUsers() : before.bannedAddresses();
                boolean current = ban.until() == Moderation.PERMANENT || ban.until() > clock.millis();
                if (current && !Objects.equals(held.get(ban.subject()), ban.until())) {
                    expel(ban.kind(), ban.subject(), ban.reason());
                }
            }
            Set<String> wereClosed = before.closedRooms();
            closed.stream()
                    .filter(room -> !wereClosed.contains(room.room()))
                    .forEach(room -> rooms.evict(room.room(), room.reason()));
        } finally {
            restrictions.unlock();
        }
    }

    private static Map<String, Long> bansOf(List<Ban> bans, String kind) {
        return bans.stream().filter(ban -> kind.equals(ban.kind())).collect(Collectors.toMap(Ban::subject, Ban::until));
    }

    private boolean clustered() {
        return metrics.clusterState().clustered();
    }

    /** Cluster mode: what reaches the other nodes only through the bus, and is stored nowhere, waits for the bus. */
    private void requireClusterBus(String what) {
        if (metrics.clusterState() == ClusterState.BUS_DOWN) {
            throw AdminRefused.unavailable("the cluster bus (Redis) is down: " + what
                    + " cannot reach the other nodes now; try again when /api/health says \"cluster\":\"up\"");
        }
    }

    private long until(long seconds) {
        if (seconds < 0 || seconds > MAX_SECONDS) {
            throw AdminRefused.invalid("seconds must be 0 (permanent) or 1 to " + MAX_SECONDS + " (100 years)");
        }
        return seconds == 0 ? Moderation.PERMANENT : clock.millis() + seconds * 1000;
    }

    private void existingRoom(String room) {
        if (room == null || !rooms.exists(room)) {
            throw AdminRefused.notFound("there is no room " + room);
        }
    }

    private String userKey(String user) {
        String name = Identity.isKey(user) ? Identity.nameOf(user) : user;
        if (!ProtocolRules.isUserName(name)) {
            throw AdminRefused.invalid(
                    "a user name is 1 to 32 letters, digits, '_', '-' or '.', with g: (guest) or a: (account) before"
                            + " it to say which");
        }
        return users.keyOf(user);
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            return null;
        }
        if (reason.length() > MAX_REASON) {
            throw AdminRefused.invalid("a reason is at most " + MAX_REASON + " characters");
        }
        return reason.strip();
    }

    private static void announcement(String text) {
        String problem = ProtocolRules.textProblem(text, 4000);
        if (problem != null) {
            throw AdminRefused.invalid("announcement: " + problem);
        }
    }

    private synchronized void sample() {
        long now = System.nanoTime();
        samples.addLast(new long[] {now, rooms.messagesStored()});
        long window = settings.rateWindow().toNanos();
        while (samples.size() > 2 && now - samples.peekFirst()[0] > window) {
            samples.removeFirst();
        }
    }

    private synchronized double messagesPerSecond() {
        if (samples.size() < 2) {
            return 0;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        double seconds = (last[0] - first[0]) / 1e9;
        return seconds <= 0 ? 0 : Math.round((last[1] - first[1]) / seconds * 10) / 10.0;
    }
}
