package dev.parley.cluster.control;

import dev.parley.chat.control.Moderation;
import dev.parley.chat.control.Rooms;
import dev.parley.chat.control.Users;
import dev.parley.chat.entity.MessageDeleted;
import dev.parley.chat.entity.OnlineHere;
import dev.parley.chat.entity.OperatorAction;
import dev.parley.chat.entity.PostsSettled;
import dev.parley.chat.entity.PresenceHere;
import dev.parley.chat.entity.Receipt;
import dev.parley.chat.entity.Relayed;
import dev.parley.chat.entity.RestrictionsStale;
import dev.parley.cluster.entity.Hint;
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
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Cluster mode ({@code parley.cluster.redis-url} set): several nodes on one PostgreSQL. Each node publishes what it
 * stored on the {@link ClusterBus}, and feeds what the others stored to the room's sequencer, which releases it in
 * seq order and once. The bus is only a fast hint: a room that waits for a lower seq reads it from the database after
 * {@code parley.cluster.gap-fill-ms}, and every {@code parley.cluster.catch-up-interval-ms} (more often while the bus
 * is down, and at once after every (re)subscription) each room's latest seq in the database is compared with what
 * was released here. A node that dies between its commit and its publication loses nothing: the others read it.
 *
 * <p>What an operator does on one node is done on every node: the bans, mutes and closed rooms are in the database,
 * which the others read again on the news (and every {@code parley.cluster.restrictions-interval-ms}, in case the news
 * was lost); a kick, an announcement and a room's deletion are carried by the news itself.
 *
 * <p>Presence is the bus's to keep ({@link ClusterBus#hold}): each node says who is a member of which room on it, and
 * Redis tells every node when a user becomes a member somewhere or stops being one anywhere; a node's members see
 * the members of every node. After each (re)subscription a node says again all it holds (Redis may have restarted
 * empty) and reads its rooms' members again; each node renews a lease, and the others let go of what a node held
 * once its lease lapsed (it died).
 *
 * <p>Without the setting nothing here runs. Hints are taken in on one thread ({@code parley-cluster-intake}, never a
 * bus thread, which must not wait for a room's lock), database reads on another ({@code parley-cluster-reader}).
 */
@Singleton
@Startup
@DependsOn("Rooms")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Cluster {

    private static final Logger LOG = Logger.getLogger(Cluster.class.getName());

    /**
     * Who is online where is kept as the members of this room, which no room can be ({@code ~} is never in a room's
     * name): a whisper finds its recipient on any node.
     */
    static final String ONLINE = "~online";

    @Inject
    Rooms rooms;

    @Inject
    Users users;

    @Inject
    Moderation moderation;

    @Inject
    Metrics metrics;

    @Inject
    Event<RestrictionsStale> restrictionsStale;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    @Resource(lookup = "java:app/jdbc/parley")
    DataSource dataSource;

    private ClusterSettings settings;
    private ClusterBus bus;
    private ThreadPoolExecutor intake;
    private ScheduledExecutorService reader;
    private final Set<String> gapFillsDue = ConcurrentHashMap.newKeySet();
    private volatile boolean caughtUpLogged = true;
    /** When the reader last compared the rooms with the database (its thread only). */
    private long caughtUpAt;
    /** When the reader last had the restrictions read again (its thread only). */
    private long restrictionsReadAt;
    /** When the reader last renewed this node's lease (its thread only). */
    private long leaseRenewedAt;
    /** The rooms whose members were read from the bus since the last (re)subscription. */
    private final Set<String> membersRead = ConcurrentHashMap.newKeySet();
    /**
     * Lease renewals after a (re)subscription that read the members again: the other nodes say who is on them after
     * their own subscription, and what they said before this node was subscribed again did not reach it.
     */
    private volatile int membersReadAgain;

    @PostConstruct
    void start() {
        ClusterSettings configured = ClusterSettings.from(Settings.fromEnvironment());
        if (!configured.enabled()) {
            return;
        }
        refuseEmbeddedDatabase();
        startWith(configured, threads, factory -> new RedisBus(configured, factory));
    }

    /**
     * Starts cluster mode with this bus (made with the threads given). Not an overload of {@link #start()}: Payara's
     * EJB container finds the {@code @PostConstruct} method by name and may call the other one (wrong number of
     * arguments), so the deployment fails on some starts and not on others.
     */
    void startWith(
            ClusterSettings settings, ThreadFactory threadFactory, Function<ThreadFactory, ClusterBus> busMaker) {
        this.settings = settings;
        // bounded: a hint dropped here is found by the next catch-up
        intake = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.maxQueuedHints())),
                named(threadFactory, "parley-cluster-intake"));
        reader = Executors.newSingleThreadScheduledExecutor(named(threadFactory, "parley-cluster-reader"));
        metrics.clusterBus(false);
        bus = busMaker.apply(threadFactory);
        bus.start(new Listener());
        caughtUpAt = System.nanoTime();
        restrictionsReadAt = caughtUpAt;
        leaseRenewedAt = caughtUpAt - settings.lease().toNanos();
        long tick = Math.min(
                settings.catchUpInterval().toMillis(),
                settings.catchUpIntervalWhileDown().toMillis());
        reader.scheduleWithFixedDelay(this::catchUpWhenDue, tick, tick, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (bus == null) {
            return;
        }
        bus.close();
        intake.shutdownNow();
        reader.shutdownNow();
        try {
            reader.awaitTermination(settings.catchUpInterval().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The archive's receipts on this node: what it stored is published, after its commit. */
    public void onPostsSettled(@Observes PostsSettled settled) {
        if (bus == null) {
            return;
        }
        for (PostsSettled.Settled one : settled.posts()) {
            if (one.receipt() instanceof Receipt.Stored stored) {
                bus.publish(Hints.encode(new Hint.Stored(stored.message().withoutRef())));
                metrics.hintPublished();
            }
        }
    }

    /**
     * An operator deleted a message on this node: the others redact it too (their members get {@code deleted}, their
     * rooms' recent messages lose its text). A node that misses the hint shows the text live until its room's cache
     * is read again; history is read from the database, where it is gone.
     */
    public void onMessageDeleted(@Observes MessageDeleted deleted) {
        if (bus != null) {
            bus.publish(Hints.encode(new Hint.Deleted(deleted.room(), deleted.seq())));
        }
    }

    /**
     * A user became a member of a room here, or stopped being one: the bus keeps it for the cluster. The first member
     * here of a room whose members this node has not read since its last subscription has them read.
     */
    public void onPresenceHere(@Observes PresenceHere here) {
        if (bus == null) {
            return;
        }
        bus.hold(here.room(), here.userKey(), here.name(), here.present());
        if (here.present() && membersRead.add(here.room())) {
            readMembers(here.room());
        }
    }

    /** A user's first connection here opened, or its last closed: the bus keeps who is online where. */
    public void onOnlineHere(@Observes OnlineHere here) {
        if (bus != null) {
            bus.hold(ONLINE, here.userKey(), here.held(), here.online());
        }
    }

    /**
     * A whisper, typing, a moved read marker, a kept room left, a user added to a conversation: the other nodes tell
     * their connections.
     */
    public void onRelayed(@Observes Relayed relayed) {
        if (bus != null) {
            bus.publish(Hints.encode(new Hint.Relay(relayed)));
        }
    }

    /** Reads the room's members on every node (or who is online anywhere), and hands them over on the intake thread. */
    private void readMembers(String room) {
        bus.members(room).whenComplete((members, failure) -> {
            if (failure != null) {
                membersRead.remove(room); // the bus is down: read again after the next subscription
                return;
            }
            try {
                intake.execute(() -> {
                    if (ONLINE.equals(room)) {
                        users.onlineElsewhere(members);
                    } else {
                        rooms.membersElsewhere(room, members);
                    }
                });
            } catch (RejectedExecutionException full) {
                membersRead.remove(room);
            }
        });
    }

    private void holdAgainSoon() {
        try {
            reader.execute(this::holdAgain);
        } catch (RejectedExecutionException stopping) {
            // undeployed
        }
    }

    /**
     * After a (re)subscription: what this node holds is said again (Redis may have restarted empty, or holds were lost
     * while it was down), then its rooms' members are read again.
     */
    private void holdAgain() {
        Map<String, Map<String, String>> here = rooms.membersHere();
        List<ClusterBus.Holding> holdings = new ArrayList<>();
        here.forEach((room, members) ->
                members.forEach((userKey, name) -> holdings.add(new ClusterBus.Holding(room, userKey, name))));
        users.onlineHere().forEach((userKey, name) -> holdings.add(new ClusterBus.Holding(ONLINE, userKey, name)));
        membersRead.clear();
        // the lease first: another node reaps the holdings of a node without one
        bus.renewAndReap(settings.lease())
                .thenCompose(renewed -> bus.holdOnly(holdings))
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.log(Level.FINE, "Parley cluster: cannot say again who is here", failure);
                        return;
                    }
                    List<String> toRead = new ArrayList<>(here.keySet());
                    toRead.add(ONLINE);
                    for (String room : toRead) {
                        if (membersRead.add(room)) {
                            readMembers(room);
                        }
                    }
                    membersReadAgain = 2;
                });
    }

    /** Reads again the members of every room with members here, and who is online anywhere. */
    private void readMembersHere() {
        List<String> toRead = new ArrayList<>(rooms.membersHere().keySet());
        toRead.add(ONLINE);
        toRead.forEach(this::readMembers);
    }

    /** An operator acted on this node: the others do the same for their members. */
    public void onOperatorAction(@Observes OperatorAction action) {
        if (bus != null) {
            bus.publish(Hints.encode(new Hint.Operator(action)));
        }
    }

    private void received(String text) {
        Hint hint = Hints.decode(text).orElse(null);
        if (hint instanceof Hint.Stored stored) {
            metrics.hintReceived();
            if (rooms.releaseFromElsewhere(stored.message())) {
                fillGapSoon(stored.message().room());
            }
        } else if (hint instanceof Hint.Deleted deleted) {
            rooms.redacted(deleted.room(), deleted.seq());
        } else if (hint instanceof Hint.Presence presence) {
            if (ONLINE.equals(presence.room())) {
                users.onlineElsewhere(OnlineHere.fromHeld(presence.userKey(), presence.name(), presence.joined()));
            } else {
                rooms.presenceElsewhere(presence.room(), presence.userKey(), presence.name(), presence.joined());
            }
        } else if (hint instanceof Hint.Relay relay) {
            relayHere(relay.relayed());
        } else if (hint instanceof Hint.Operator operator) {
            doHere(operator.action());
        } else {
            LOG.fine(() -> "Parley cluster: a hint this node does not know: " + text);
        }
    }

    private void relayHere(Relayed relayed) {
        if (relayed instanceof Relayed.Whispered whispered) {
            users.whisperFromElsewhere(whispered.whisper(), whispered.fromKey(), whispered.toKey());
        } else if (relayed instanceof Relayed.MarkerMoved moved) {
            rooms.markerMovedElsewhere(moved.userKey(), moved.read(), moved.receipt());
        } else if (relayed instanceof Relayed.LeftKept left) {
            rooms.leftElsewhere(left.room(), left.userKey());
        } else if (relayed instanceof Relayed.Resumed resumed) {
            users.resumedElsewhere(resumed.userKey());
        } else if (relayed instanceof Relayed.Invited invited) {
            rooms.invitedElsewhere(invited.userKey(), invited.invited(), invited.roomToo());
        } else {
            Relayed.Typed typed = (Relayed.Typed) relayed;
            rooms.typingElsewhere(typed.room(), typed.userKey(), typed.name());
        }
    }

    /** What another node's operator did, done for this node's members. */
    private void doHere(OperatorAction action) {
        if (action instanceof OperatorAction.Kicked kicked) {
            rooms.kick(kicked.room(), kicked.userKey(), kicked.reason());
        } else if (action instanceof OperatorAction.Announced announced) {
            if (announced.room() == null) {
                users.announce(announced.text());
            } else {
                rooms.announce(announced.room(), announced.text());
            }
        } else if (action instanceof OperatorAction.RoomDeleted deleted) {
            rooms.deletedElsewhere(deleted.room(), deleted.text());
            moderation.forgetRoom(deleted.room());
        } else {
            readRestrictionsSoon();
        }
    }

    /** On the reader's thread, which may wait for the database (the intake must not). */
    private void readRestrictionsSoon() {
        try {
            reader.execute(this::readRestrictions);
        } catch (RejectedExecutionException stopping) {
            // undeployed
        }
    }

    private void readRestrictions() {
        restrictionsReadAt = System.nanoTime();
        try {
            restrictionsStale.fire(new RestrictionsStale());
        } catch (RuntimeException e) {
            // the database is down or slow: the next round tries again
            LOG.log(Level.FINE, "Parley cluster: cannot read the restrictions again", e);
        }
    }

    /**
     * The room holds back a message because a lower seq has not come: the bus gives no order across nodes, so it is
     * probably on its way; if it has not come within the delay, it is read from the database.
     */
    private void fillGapSoon(String room) {
        if (gapFillsDue.add(room)) {
            reader.schedule(
                    () -> {
                        gapFillsDue.remove(room);
                        int found = rooms.fillGap(room);
                        metrics.clusterGapFilled(found);
                    },
                    settings.gapFillDelay().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Compares with the database when due: every catch-up interval, or its shorter twin while the bus is down. */
    private void catchUpWhenDue() {
        Duration due = bus.up() ? settings.catchUpInterval() : settings.catchUpIntervalWhileDown();
        if (System.nanoTime() - caughtUpAt >= due.toNanos()) {
            catchUp();
        }
        if (System.nanoTime() - restrictionsReadAt
                >= settings.restrictionsInterval().toNanos()) {
            readRestrictions();
        }
        if (bus.up() && System.nanoTime() - leaseRenewedAt >= settings.lease().toNanos() / 3) {
            leaseRenewedAt = System.nanoTime();
            if (membersReadAgain > 0) {
                membersReadAgain--;
                readMembersHere();
            }
            bus.renewAndReap(settings.lease()).whenComplete((lapsed, failure) -> {
                if (failure != null) {
                    LOG.log(Level.FINE, "Parley cluster: cannot renew this node's lease", failure);
                } else if (lapsed) {
                    // stalled past its lease: another node may have let go of who is here
                    holdAgainSoon();
                }
            });
        }
    }

    private void catchUp() {
        caughtUpAt = System.nanoTime();
        try {
            metrics.clusterCaughtUp(rooms.catchUp());
            if (!caughtUpLogged) {
                caughtUpLogged = true;
                LOG.info("Parley cluster: caught up with the database again");
            }
        } catch (RuntimeException e) {
            // the database is down or slow: posting fails too, and health says so; the next round tries again
            if (caughtUpLogged) {
                caughtUpLogged = false;
                LOG.log(Level.WARNING, "Parley cluster: cannot compare the rooms with the database", e);
            }
        }
    }

    private void refuseEmbeddedDatabase() {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            if (product.toLowerCase(Locale.ROOT).contains("h2")) {
                throw new IllegalStateException("Parley's cluster mode (parley.cluster.redis-url) needs one PostgreSQL"
                        + " database that every node shares; this node's database is " + product
                        + " (the embedded database of one node). Point parley.datasource at PostgreSQL, or unset"
                        + " parley.cluster.redis-url.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Parley's cluster mode cannot tell which database it has", e);
        }
    }

    private static ThreadFactory named(ThreadFactory threadFactory, String name) {
        return runnable -> {
            Thread thread = threadFactory.newThread(runnable);
            thread.setName(name);
            return thread;
        };
    }

    /** The bus's news, handed to this node's own threads at once. */
    private final class Listener implements ClusterBus.Listener {

        @Override
        public void received(String text) {
            try {
                intake.execute(() -> Cluster.this.received(text));
            } catch (RejectedExecutionException full) {
                metrics.clusterHintDropped(); // or undeployed; either way the database has it
            }
        }

        @Override
        public void subscribed() {
            metrics.clusterBus(true);
            LOG.info("Parley cluster: subscribed to the bus; catching up from the database");
            try {
                reader.execute(Cluster.this::catchUp);
            } catch (RejectedExecutionException stopping) {
                // undeployed
            }
            readRestrictionsSoon();
            holdAgainSoon();
        }

        @Override
        public void lost() {
            metrics.clusterBus(false);
            LOG.warning(
                    "Parley cluster: the bus is down; other nodes' messages come from the database until it is back");
        }
    }
}
