package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds connections whose client is gone without a close (a dead TCP peer, a laptop lid shut): a connection silent
 * for {@code parley.ping.interval-ms} is pinged, and one that then stays silent for {@code parley.ping.timeout-ms}
 * after the ping went out is closed with 4010 (see {@link Pulse} for a ping queued behind a backlog). One sweep task for all connections on the container's scheduler, not a timer each: an idle
 * connection costs two longs. Pings go out through the connection's outbox, its single writer, on the container's
 * executor, so a stuck socket never holds the sweep.
 */
@ApplicationScoped
public class Liveness {

    private static final Logger LOG = Logger.getLogger(Liveness.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ScheduledExecutorService scheduler;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    Executor executor;

    ConnectionLimits limits;
    LongSupplier nanoClock = System::nanoTime;

    private final Set<Connection> watched = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> sweeping;

    @PostConstruct
    void start() {
        limits = ConnectionLimits.from(Settings.fromEnvironment());
        long interval = limits.pingInterval().toMillis();
        if (interval > 0) {
            long period = Math.max(10, Math.min(interval, limits.pingTimeout().toMillis()) / 2);
            sweeping = scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    public void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
    }

    public void watch(Connection connection) {
        watched.add(connection);
    }

    public void forget(Connection connection) {
        watched.remove(connection);
    }

    public long now() {
        return nanoClock.getAsLong();
    }

    void sweep() {
        try {
            long now = nanoClock.getAsLong();
            long interval = limits.pingInterval().toNanos();
            long timeout = limits.pingTimeout().toNanos();
            for (Connection connection : watched) {
                switch (connection.pulse().due(now, interval, timeout)) {
                    case PING -> executor.execute(connection::ping);
                    case DEAD -> {
                        watched.remove(connection);
                        connection.close(Closing.NO_PONG, "no answer to ping");
                    }
                    case NOTHING -> {}
                }
            }
        } catch (RuntimeException failed) {
            // a periodic task that throws is never run again: log and keep sweeping
            LOG.log(Level.WARNING, "the liveness sweep failed", failed);
        }
    }
}
