package dev.parley.cluster.control;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.ConnectionFuture;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.ThreadFactoryProvider;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.util.Loggers;

/**
 * The cluster bus on Redis pub/sub, with Lettuce: one connection subscribed to the cluster's channel, one that
 * publishes, both on a client whose threads (2 for I/O, 2 for computation, 1 timer) come from the {@link ThreadFactory}
 * the node gives (the server's {@code ManagedThreadFactory}), so that {@link #close()} can wait for every one of them.
 *
 * <p>Each text goes out prefixed with this bus's node id, made at random when the bus is made; a text that comes back
 * with that id is this node's own and is dropped, since Redis sends a publication to every subscriber, the
 * publisher's own subscription included.
 *
 * <p>Presence is kept in Redis by the Lua scripts of {@link PresenceScripts} (their javadoc has the keys), run on the
 * publishing connection: as EVAL until that connection has run the script once, then as EVALSHA (EVAL again on
 * NOSCRIPT), so that a script Redis lost with a restart is not one that a later call overtakes. What they publish is
 * prefixed {@code "~ "} instead of a node's id and reaches every node's listener, this one's too.
 *
 * <p>While Redis is unreachable commands are rejected at once ({@link DisconnectedBehavior#REJECT_COMMANDS}), and a
 * command in flight when the connection drops fails instead of being written again after the reconnect: a text is
 * delivered at most once, and none is kept for after a reconnect. Lettuce reconnects by itself, waiting at most
 * {@link ClusterSettings#reconnectMax()} between attempts, and subscribes again to the channel it was subscribed to;
 * a first connection that fails (Redis down while the node starts) is retried here with the same waits.
 *
 * <p>A Redis that hangs with its connections open (stopped, swapping) drops no connection, so the bus stays up:
 * publications wait for it up to {@link ClusterSettings#requestQueue()} (written or not), later ones are dropped at
 * once, and those that waited go out late if it comes back. The node's periodic check against the database is what
 * covers that time.
 */
public final class RedisBus implements ClusterBus {

    private static final Logger LOG = Logger.getLogger(RedisBus.class.getName());

    /** The shortest wait between two attempts to connect. */
    private static final Duration RECONNECT_MIN = Duration.ofMillis(100);

    private static final int IO_THREADS = 2;
    private static final int COMPUTATION_THREADS = 2;
    private static final int NODE_ID_BYTES = 12;
    private static final String[] NO_KEYS = {};

    static {
        routeNettyLogsToJul();
    }

    private final ClusterSettings settings;
    private final RedisURI uri;
    private final String nodeId;
    private final String ownPrefix;
    private final Delay reconnectDelay;
    private final TrackedThreads threads;
    private final ClientResources resources;
    private final RedisClient subscriber;
    private final RedisClient publisher;

    private final AtomicBoolean started = new AtomicBoolean();
    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder holdsDropped = new LongAdder();

    /** The scripts the current publishing connection has run, which Redis therefore has. */
    private final Set<PresenceScripts.Script> loaded = ConcurrentHashMap.newKeySet();
    /** The lease of the last renewAndReap in ms, which hold and holdOnly give a node that has none; 0: none yet. */
    private volatile long leaseMillis;
    /** A renewAndReap succeeded on the current publishing connection (a later one finding no lease says so). */
    private volatile boolean leased;

    /** Guards the three facts below, and the listener calls that follow from their changes. */
    private final Object state = new Object();
    /** Redis confirmed the subscription, and the subscribed connection has not dropped since. */
    private boolean confirmed;
    /** The publishing connection takes commands. */
    private boolean publisherActive;
    /** What the listener was told last: subscribed() (true) or lost() (false, also before the first). */
    private boolean up;

    private volatile boolean closed;
    private volatile Listener listener;
    private volatile StatefulRedisConnection<String, String> publishing;

    /**
     * A bus for the Redis of {@code settings}, not yet connected; {@code threadFactory} makes every thread it will
     * run on. Fails when cluster mode is off (no Redis URL) or the URL does not parse.
     */
    public RedisBus(ClusterSettings settings, ThreadFactory threadFactory) {
        this.settings = settings;
        this.uri = RedisURI.create(settings.redisUrl()
                .orElseThrow(() -> new IllegalArgumentException("parley.cluster.redis-url is not set")));
        this.nodeId = randomNodeId();
        this.ownPrefix = nodeId + ' ';
        Duration reconnectMax =
                settings.reconnectMax().compareTo(RECONNECT_MIN) < 0 ? RECONNECT_MIN : settings.reconnectMax();
        this.reconnectDelay = Delay.exponential(RECONNECT_MIN, reconnectMax, 2, TimeUnit.MILLISECONDS);
        this.threads = new TrackedThreads(threadFactory);
        this.resources = ClientResources.builder()
                .threadFactoryProvider(threads)
                .ioThreadPoolSize(IO_THREADS)
                .computationThreadPoolSize(COMPUTATION_THREADS)
                .reconnectDelay(reconnectDelay)
                .build();
        ClientOptions options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(settings.requestQueue())
                // the maintenance notifications of Redis Enterprise: an open-source Redis answers the handshake's
                // CLIENT MAINT_NOTIFICATIONS with an error
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .build();
        this.subscriber = RedisClient.create(resources, uri);
        this.subscriber.setOptions(options);
        this.publisher = RedisClient.create(resources, uri);
        this.publisher.setOptions(options);
        // The bus is up when Redis confirmed the subscription and the publishing connection is active; the listener
        // hears subscribed() when it becomes up and lost() when it stops being up, alternately. Where the facts come
        // from, and why not from Lettuce's event bus: that bus is a best-effort multicast sink (reactor's
        // directBestEffort) that drops an event a slow subscriber has no demand for, on the computation threads,
        // after the fact. A RedisConnectionStateListener is called synchronously in channelActive (after the
        // handshake, once the connection takes commands) and channelInactive of every connection of its client
        // (each client here has one), ahead of Lettuce's watchdog further down the same pipeline, which schedules
        // the reconnect: a drop is always seen before anything of the next connection. The SUBSCRIBE confirmation is
        // Redis saying the subscription is in place; Lettuce hands it to RedisPubSubListener.subscribed for the first
        // subscription and for the one it sends again itself after each reconnect.
        this.subscriber.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                changeState(() -> confirmed = false);
            }
        });
        this.publisher.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                // a new connection, perhaps to a Redis that restarted without the scripts
                loaded.clear();
                leased = false;
                changeState(() -> publisherActive = true);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                changeState(() -> publisherActive = false);
            }
        });
    }

    private static String randomNodeId() {
        byte[] bytes = new byte[NODE_ID_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Lettuce and Netty log through Netty's {@code InternalLoggerFactory}, and Reactor (Lettuce's event bus) through
     * its own {@code Loggers}; both pick SLF4J (or Log4j) when the server makes one visible to the application, as
     * WildFly does, and java.util.logging otherwise. Fix both to java.util.logging, which every server writes to its
     * log, so that {@code io.lettuce}, {@code io.netty} and {@code reactor} records reach it on all three alike, under
     * those logger names, with no logging jar in the WAR. Only for the copies inside the WAR: a Netty or Reactor the
     * server itself lends the application (parent-first) is the server's to configure.
     */
    private static void routeNettyLogsToJul() {
        ClassLoader ours = RedisBus.class.getClassLoader();
        if (InternalLoggerFactory.class.getClassLoader() == ours) {
            InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        }
        if (Loggers.class.getClassLoader() == ours) {
            Loggers.useJdkLoggers();
        }
    }

    @Override
    public void start(Listener listener) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the bus was started already");
        }
        this.listener = listener;
        LOG.info(() ->
                "cluster bus: node " + nodeId + " connecting to " + redacted() + ", channel " + settings.channel());
        connect("subscriber", () -> subscriber.connectPubSubAsync(StringCodec.UTF8, uri), this::subscribe, 1);
        connect("publisher", () -> publisher.connectAsync(StringCodec.UTF8, uri), this::publishOn, 1);
    }

    /**
     * Connects, and while Redis cannot be reached tries again after the reconnect delay; Lettuce's own watchdog
     * reconnects only a connection that was established once.
     */
    private <C extends StatefulConnection<String, String>> void connect(
            String role, Supplier<ConnectionFuture<C>> attempt, Consumer<C> connected, int attempts) {
        if (closed) {
            return;
        }
        ConnectionFuture<C> future;
        try {
            future = attempt.get();
        } catch (RuntimeException closing) {
            retry(role, attempt, connected, attempts, closing);
            return;
        }
        future.whenComplete((connection, failure) -> {
            if (failure != null) {
                retry(role, attempt, connected, attempts, failure);
            } else if (closed) {
                connection.closeAsync();
            } else {
                connected.accept(connection);
            }
        });
    }

    private <C extends StatefulConnection<String, String>> void retry(
            String role,
            Supplier<ConnectionFuture<C>> attempt,
            Consumer<C> connected,
            int attempts,
            Throwable failure) {
        if (closed) {
            return;
        }
        Duration wait = reconnectDelay.createDelay(attempts);
        Level level = attempts == 1 ? Level.WARNING : Level.FINE;
        LOG.log(
                level,
                () -> "cluster bus: the " + role + " cannot reach " + redacted() + " (attempt " + attempts
                        + ", again in " + wait.toMillis() + " ms): " + failure);
        schedule(() -> connect(role, attempt, connected, attempts + 1), wait);
    }

    private void schedule(Runnable task, Duration wait) {
        try {
            resources.eventExecutorGroup().schedule(task, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // close() is shutting the threads down
        }
    }

    private void subscribe(StatefulRedisPubSubConnection<String, String> connection) {
        synchronized (this) {
            if (closed) {
                connection.closeAsync();
                return;
            }
        }
        connection.addListener(new Subscription());
        subscribeOn(connection, 1);
    }

    /**
     * Sends SUBSCRIBE until Redis confirms it once; from then on Lettuce subscribes again after each reconnect. A
     * SUBSCRIBE rejected because the connection dropped meanwhile is sent again after the reconnect delay.
     */
    private void subscribeOn(StatefulRedisPubSubConnection<String, String> connection, int attempts) {
        if (closed) {
            return;
        }
        connection.async().subscribe(settings.channel()).whenComplete((done, failure) -> {
            if (failure != null && !closed) {
                Duration wait = reconnectDelay.createDelay(attempts);
                LOG.log(
                        Level.FINE,
                        () -> "cluster bus: SUBSCRIBE failed, again in " + wait.toMillis() + " ms: " + failure);
                schedule(() -> subscribeOn(connection, attempts + 1), wait);
            }
        });
    }

    private void publishOn(StatefulRedisConnection<String, String> connection) {
        synchronized (this) {
            if (closed) {
                connection.closeAsync();
                return;
            }
            publishing = connection;
        }
        changeState(() -> {});
    }

    @Override
    public void publish(String text) {
        StatefulRedisConnection<String, String> connection = publishing;
        if (connection == null || closed) {
            dropped.increment();
            return;
        }
        try {
            connection.async().publish(settings.channel(), ownPrefix + text).whenComplete((receivers, failure) -> {
                if (failure == null) {
                    published.increment();
                } else {
                    dropped.increment();
                }
            });
        } catch (RuntimeException rejected) {
            dropped.increment();
        }
    }

    @Override
    public void hold(String room, String userKey, String name, boolean held) {
        requireNoSpace(room, userKey);
        StatefulRedisConnection<String, String> connection = publishing;
        if (connection == null || closed) {
            holdsDropped.increment();
            return;
        }
        this.<Long>run(
                        connection,
                        PresenceScripts.HOLD,
                        ScriptOutputType.INTEGER,
                        settings.channel(),
                        nodeId,
                        Long.toString(leaseMillis),
                        held ? "1" : "0",
                        room,
                        userKey,
                        name)
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        holdsDropped.increment();
                    }
                });
    }

    @Override
    public CompletionStage<Void> holdOnly(Collection<Holding> holdings) {
        List<String> args = new ArrayList<>(3 + 3 * holdings.size());
        args.add(settings.channel());
        args.add(nodeId);
        args.add(Long.toString(leaseMillis));
        for (Holding holding : holdings) {
            requireNoSpace(holding.room(), holding.userKey());
            args.add(holding.room());
            args.add(holding.userKey());
            args.add(holding.name());
        }
        StatefulRedisConnection<String, String> connection = publishing;
        if (connection == null || closed) {
            return down();
        }
        return this.<Long>run(
                        connection, PresenceScripts.HOLD_ONLY, ScriptOutputType.INTEGER, args.toArray(String[]::new))
                .thenApply(done -> null);
    }

    @Override
    public CompletionStage<Map<String, String>> members(String room) {
        StatefulRedisConnection<String, String> connection = publishing;
        if (connection == null || closed) {
            return down();
        }
        return this.<List<Object>>run(
                        connection, PresenceScripts.MEMBERS, ScriptOutputType.MULTI, settings.channel(), room)
                .thenApply(flat -> {
                    Map<String, String> members = new LinkedHashMap<>();
                    for (int i = 0; i + 1 < flat.size(); i += 2) {
                        members.put((String) flat.get(i), (String) flat.get(i + 1));
                    }
                    return members;
                });
    }

    @Override
    public CompletionStage<Boolean> renewAndReap(Duration lease) {
        long millis = Math.max(1, lease.toMillis());
        leaseMillis = millis;
        StatefulRedisConnection<String, String> connection = publishing;
        if (connection == null || closed) {
            return down();
        }
        return this.<List<Object>>run(
                        connection,
                        PresenceScripts.RENEW_AND_REAP,
                        ScriptOutputType.MULTI,
                        settings.channel(),
                        nodeId,
                        Long.toString(millis))
                .thenApply(answer -> {
                    long reaped = (Long) answer.get(0);
                    boolean had = (Long) answer.get(1) == 1;
                    if (reaped > 0) {
                        LOG.info(() -> "cluster bus: let go of what " + reaped + " node(s) whose lease lapsed held");
                    }
                    boolean lapsed = !had && leased;
                    if (lapsed) {
                        LOG.warning(() -> "cluster bus: the lease of node " + nodeId + " had lapsed before it was"
                                + " renewed; another node may have let go of what it holds");
                    }
                    leased = true;
                    return lapsed;
                });
    }

    private static void requireNoSpace(String room, String userKey) {
        if (room.indexOf(' ') >= 0 || userKey.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("a room or user key with a space: " + room + ", " + userKey);
        }
    }

    private static <T> CompletionStage<T> down() {
        return CompletableFuture.failedStage(new IllegalStateException("the cluster bus is down"));
    }

    /** Runs the script on the connection, as EVALSHA if it has run it before; never blocks. */
    private <T> CompletionStage<T> run(
            StatefulRedisConnection<String, String> connection,
            PresenceScripts.Script script,
            ScriptOutputType type,
            String... args) {
        try {
            RedisAsyncCommands<String, String> commands = connection.async();
            if (!loaded.contains(script)) {
                return eval(commands, script, type, args);
            }
            CompletionStage<T> sha = commands.evalsha(script.sha(), type, NO_KEYS, args);
            return sha.exceptionallyCompose(failure -> unwrap(failure) instanceof RedisNoScriptException
                    ? eval(commands, script, type, args)
                    : CompletableFuture.failedStage(failure));
        } catch (RuntimeException rejected) {
            return CompletableFuture.failedStage(rejected);
        }
    }

    private <T> CompletionStage<T> eval(
            RedisAsyncCommands<String, String> commands,
            PresenceScripts.Script script,
            ScriptOutputType type,
            String... args) {
        CompletionStage<T> result = commands.eval(script.body(), type, NO_KEYS, args);
        return result.thenApply(answer -> {
            loaded.add(script);
            return answer;
        });
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @Override
    public boolean up() {
        synchronized (state) {
            return up;
        }
    }

    /** This bus's node id, which prefixes every text it publishes. */
    public String nodeId() {
        return nodeId;
    }

    /** Texts Redis took from this node. */
    public long published() {
        return published.sum();
    }

    /** Texts this node published that Redis did not take: dropped while it was down, or with the queue full. */
    public long dropped() {
        return dropped.sum();
    }

    /** Texts handed to the listener: other nodes' and the presence changes (this node's too). */
    public long received() {
        return received.sum();
    }

    /** Holds and let-gos that Redis did not record: made while it was down, or with the queue full. */
    public long holdsDropped() {
        return holdsDropped.sum();
    }

    /**
     * Applies a change to what is known of the two connections and tells the listener when that makes the bus go up
     * or down. Called on Lettuce's I/O threads; the listener hands its work off, so holding the lock meanwhile is
     * short, and keeps subscribed() and lost() alternating when the two connections change at once.
     */
    private void changeState(Runnable change) {
        synchronized (state) {
            change.run();
            boolean now = !closed && confirmed && publisherActive && publishing != null;
            if (now == up) {
                return;
            }
            up = now;
            if (now) {
                LOG.info(() -> "cluster bus: subscribed to " + settings.channel() + " at " + redacted());
                tell(Listener::subscribed);
            } else if (!closed) {
                LOG.warning(() ->
                        "cluster bus: lost the connection to " + redacted() + "; texts are dropped until it is back");
                tell(Listener::lost);
            }
        }
    }

    private void tell(Consumer<Listener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster bus: the listener failed", e);
        }
    }

    /** What arrives on the subscribed connection, on a Lettuce I/O thread. */
    private final class Subscription implements RedisPubSubListener<String, String> {

        @Override
        public void message(String channel, String message) {
            if (closed || !settings.channel().equals(channel)) {
                return;
            }
            // a presence change, which a script published: every node hears it, this one too ("~" is no node id)
            int space = message.indexOf(' ');
            if (space < 0 || (message.startsWith(ownPrefix) && !message.startsWith(PresenceScripts.PREFIX))) {
                return;
            }
            received.increment();
            String text = message.substring(space + 1);
            tell(listener -> listener.received(text));
        }

        @Override
        public void subscribed(String channel, long count) {
            if (settings.channel().equals(channel)) {
                changeState(() -> confirmed = true);
            }
        }

        @Override
        public void message(String pattern, String channel, String message) {
            // no pattern subscriptions
        }

        @Override
        public void psubscribed(String pattern, long count) {
            // no pattern subscriptions
        }

        @Override
        public void unsubscribed(String channel, long count) {
            // only close() unsubscribes, by closing the connection
        }

        @Override
        public void punsubscribed(String pattern, long count) {
            // no pattern subscriptions
        }
    }

    /**
     * Closes both connections and shuts Lettuce's threads down, waiting at most {@link ClusterSettings#closeTimeout()}
     * in all until every thread the factory made has ended; threads still alive then are logged by name.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        changeState(() -> {});
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        long quietPeriod = 0;
        List.of(subscriber, publisher).stream()
                .map(client -> client.shutdownAsync(quietPeriod, remainingMillis(deadline), TimeUnit.MILLISECONDS))
                .toList()
                .forEach(shutdown ->
                        awaitQuietly("a client", () -> shutdown.get(remainingMillis(deadline), TimeUnit.MILLISECONDS)));
        io.netty.util.concurrent.Future<Boolean> resourcesDown =
                resources.shutdown(quietPeriod, remainingMillis(deadline), TimeUnit.MILLISECONDS);
        awaitQuietly("the client resources", () -> {
            if (!resourcesDown.await(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException();
            }
            return null;
        });
        List<String> alive = new ArrayList<>(threads.awaitEnd(deadline));
        if (!globalExecutorEnded(deadline)) {
            alive.add("Netty's globalEventExecutor");
        }
        if (alive.isEmpty()) {
            LOG.info(() -> "cluster bus: node " + nodeId + " closed (published " + published() + ", dropped "
                    + dropped() + ", received " + received() + ", holds dropped " + holdsDropped() + ")");
        } else {
            LOG.warning(() -> "cluster bus: threads still alive "
                    + settings.closeTimeout().toMillis() + " ms after close: " + alive);
        }
    }

    /**
     * Netty tells of an event loop's end (each one's termination future) through its GlobalEventExecutor, whose single
     * thread Netty makes itself, with its own factory: the shutdown above starts it, and it ends by itself once idle
     * for a second. Wait for that (after every thread of the bus has ended, so no task can come after), so that close()
     * leaves no thread behind. Only for the Netty in the WAR: a server's own is the server's business.
     */
    private static boolean globalExecutorEnded(long deadline) {
        if (GlobalEventExecutor.class.getClassLoader() != RedisBus.class.getClassLoader()) {
            return true;
        }
        try {
            return GlobalEventExecutor.INSTANCE.awaitInactivity(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (IllegalStateException neverStarted) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private interface Wait {
        Object await() throws Exception;
    }

    private static void awaitQuietly(String what, Wait wait) {
        try {
            wait.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "cluster bus: closing " + what + " did not complete: " + e);
        }
    }

    /** The Redis URL without its password, for the log. */
    private String redacted() {
        return uri.getHost() + ':' + uri.getPort();
    }

    /** Makes Lettuce's threads with the node's factory, and keeps them so that close() can wait for their end. */
    private static final class TrackedThreads implements ThreadFactoryProvider {

        private final ThreadFactory factory;
        private final Queue<Thread> made = new ConcurrentLinkedQueue<>();

        TrackedThreads(ThreadFactory factory) {
            this.factory = factory;
        }

        @Override
        public ThreadFactory getThreadFactory(String poolName) {
            return task -> {
                Thread thread = factory.newThread(task);
                if (thread != null) {
                    made.add(thread);
                }
                return thread;
            };
        }

        /** Waits until the deadline for every thread made to end; the names of those still alive. */
        List<String> awaitEnd(long deadline) {
            for (Thread thread : made) {
                try {
                    thread.join(remainingMillis(deadline));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return made.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        }
    }
}
