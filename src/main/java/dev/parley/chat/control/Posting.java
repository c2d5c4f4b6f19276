package dev.parley.chat.control;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Mentions;
import dev.parley.chat.entity.MessagePosted;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Posts on their way to the archive: accepted on the container thread and handed on in order, never waited for.
 * Each accepted post stays pending until its receipt comes back ({@link #settle}); the pending posts are bounded in
 * total ({@code parley.store.max-pending}) and per room ({@code parley.store.max-pending-per-room}), so nothing is
 * accepted that the store cannot take. A post pending longer than {@code parley.store.timeout-ms} is answered with
 * {@code internal} but stays pending, and counted, until its receipt comes: it is still queued for the store, and
 * if it is stored after all, its sender still gets its own copy with the ref.
 *
 * <p>Order among a connection's accepted posts: a post with a ref refused because the store is full holds back that
 * connection's later posts to the room until that ref is sent again (or the timeout passed), so a resend cannot land
 * behind what the connection posted after it.
 */
@ApplicationScoped
public class Posting {

    private static final Logger LOG = Logger.getLogger(Posting.class.getName());

    @Inject
    jakarta.enterprise.event.Event<MessagePosted> messagePosted;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ScheduledExecutorService scheduler;

    ChatLimits limits;
    Clock clock = Clock.systemUTC();

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** The pending posts that have a ref, by {@link #refKey}: a stored message read back finds its sender here. */
    private final Map<String, Pending> pendingByRef = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> pendingPerRoom = new ConcurrentHashMap<>();
    private final AtomicInteger pendingTotal = new AtomicInteger();
    private volatile boolean stopped;
    private ScheduledFuture<?> sweep;

    /** A post on its way: who sent it, for the answer, since when, and whether it was answered for being late. */
    public static final class Pending {
        private final Connection connection;
        private final Command.Say say;
        private final long acceptedAt;
        private final AtomicBoolean answeredLate = new AtomicBoolean();

        Pending(Connection connection, Command.Say say, long acceptedAt) {
            this.connection = connection;
            this.say = say;
            this.acceptedAt = acceptedAt;
        }

        public Connection connection() {
            return connection;
        }

        public Command.Say say() {
            return say;
        }

        /** Whether the sender was told {@code internal} because the post was not stored in time. */
        public boolean answeredLate() {
            return answeredLate.get();
        }

        boolean answerLate() {
            if (!answeredLate.compareAndSet(false, true)) {
                return false;
            }
            connection.refuse(say, ErrorCode.INTERNAL, "the message was not stored in time; retry");
            return true;
        }
    }

    @PostConstruct
    void start() {
        limits = ChatLimits.from(Settings.fromEnvironment());
        startSweeping();
    }

    void startSweeping() {
        long every = Math.max(10, limits.storeTimeout().toMillis() / 4);
        sweep = scheduler.scheduleWithFixedDelay(this::answerOverdue, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (sweep != null) {
            sweep.cancel(false);
        }
    }

    /**
     * Accepts the post for the archive, or refuses it at once. Called on the connection's container thread, so the
     * connection's posts are handed on in the order it sent them.
     *
     * @param member whether the connection is in the room; if not, only a retry of a stored ref is answered
     */
    public void post(Connection connection, Command.Say say, boolean member) {
        post(connection, say, member, Mentions.NONE);
    }

    /** {@link #post(Connection, Command.Say, boolean)} of a text that mentions {@code mentions}. */
    public void post(Connection connection, Command.Say say, boolean member, Mentions mentions) {
        if (stopped) {
            connection.refuse(say, ErrorCode.INTERNAL, "the server is shutting down; retry");
            return;
        }
        long now = System.nanoTime();
        if (member && connection.heldBack(say.room(), say.ref(), now)) {
            connection.refuse(say, ErrorCode.RATE_LIMITED, "resend your earlier message first");
            return;
        }
        AtomicInteger inRoom = pendingPerRoom.computeIfAbsent(say.room(), room -> new AtomicInteger());
        int total = pendingTotal.incrementAndGet();
        int ofRoom = inRoom.incrementAndGet();
        if (total > limits.storeMaxPending() || ofRoom > limits.storeMaxPendingPerRoom()) {
            pendingTotal.decrementAndGet();
            inRoom.decrementAndGet();
            if (member && say.ref() != null) {
                connection.holdBack(
                        say.room(), say.ref(), now + limits.storeTimeout().toNanos());
            }
            connection.refuse(say, ErrorCode.RATE_LIMITED, "the server is busy; resend in a moment");
            return;
        }
        long id = ids.incrementAndGet();
        Pending post = new Pending(connection, say, now);
        pending.put(id, post);
        if (say.ref() != null) {
            pendingByRef.put(refKey(say.room(), connection.userKey(), say.ref()), post);
        }
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            messagePosted.fire(new MessagePosted(
                    id, say.room(), connection.identity(), say.text(), say.ref(), at, !member, mentions, say.files()));
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "a post to " + say.room() + " could not be handed to the archive", failed);
            if (settle(id) != null) {
                connection.refuse(say, ErrorCode.INTERNAL, "the message was not stored; retry");
            }
        }
    }

    /**
     * The receipt of post {@code id} came back: it is no longer pending.
     *
     * @return who posted it, or null if it is not one of this server's posts
     */
    public Pending settle(long id) {
        Pending settled = pending.remove(id);
        if (settled != null) {
            if (settled.say().ref() != null) {
                pendingByRef.remove(
                        refKey(
                                settled.say().room(),
                                settled.connection().userKey(),
                                settled.say().ref()),
                        settled);
            }
            pendingTotal.decrementAndGet();
            pendingPerRoom.get(settled.say().room()).decrementAndGet();
        }
        return settled;
    }

    /**
     * Who posted this stored message on this node, if its receipt has not come back yet: a message read back from the
     * database (a gap, a catch-up with other nodes) may be released before its own receipt, and its sender must still
     * get its copy with the ref, which acknowledges the post.
     */
    public Connection waitingSender(Event.Message stored) {
        if (stored.ref() == null) {
            return null;
        }
        Pending post = pendingByRef.get(refKey(stored.room(), stored.senderKey(), stored.ref()));
        return post == null ? null : post.connection();
    }

    private static String refKey(String room, String userKey, String ref) {
        return room + '\n' + userKey + '\n' + ref;
    }

    public int pending() {
        return pendingTotal.get();
    }

    /**
     * Waits until no post to the room is pending, at most until {@code deadline} ({@link System#nanoTime}).
     *
     * @return whether none is
     */
    public boolean awaitSettled(String room, long deadline) {
        AtomicInteger inRoom = pendingPerRoom.get(room);
        while (inRoom != null && inRoom.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    /**
     * Refuses new posts from now on (shutdown) and waits until every pending post is settled, at most until
     * {@code deadline} ({@link System#nanoTime}); what is still pending then is answered with {@code internal}.
     */
    public void stopAndDrain(long deadline) {
        stopped = true;
        while (pendingTotal.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        answerOlderThan(0);
    }

    void answerOverdue() {
        answerOlderThan(limits.storeTimeout().toNanos());
    }

    private void answerOlderThan(long ageNanos) {
        long now = System.nanoTime();
        pending.values().forEach(post -> {
            if (now - post.acceptedAt >= ageNanos) {
                post.answerLate();
            }
        });
    }
}
