package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A clean end for every connection when the application stops (server shutdown or undeploy): no new connections,
 * no new messages stored, the ones being stored finish and reach their rooms, then every connection gets its queued
 * frames and a close with 1001, so clients reconnect rather than guess. It runs once, from whichever comes first:
 * <ul>
 * <li>a JVM shutdown hook (SIGTERM): Open Liberty stops listening, and drops every open socket, before it tells the
 * application anything, so only a hook gets a close frame out in time; WildFly suspends its executors first;</li>
 * <li>the web module's end ({@code chat.boundary.ShutdownListener}): undeploy, or a server that stops applications
 * first;</li>
 * <li>the end of the application scope, as a fallback.</li>
 * </ul>
 * It is created with the application scope, not on first use: at the end a container may no longer create the
 * beans it needs.
 */
@ApplicationScoped
public class Shutdown {

    private static final Logger LOG = Logger.getLogger(Shutdown.class.getName());

    @Inject
    ConnectionGate gate;

    @Inject
    Rooms rooms;

    @Inject
    Users users;

    @Inject
    Liveness liveness;

    private final AtomicBoolean done = new AtomicBoolean();
    private final Thread hook = new Thread(() -> closeEveryConnection(true), "parley-shutdown");

    void startWatching(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @PreDestroy
    public void closeEveryConnection() {
        closeEveryConnection(false);
    }

    /**
     * @param exiting the JVM is exiting and the server drops open sockets soon: close at once, dropping queued
     *                frames (their clients ask {@code history after} and resend unacknowledged refs), rather than
     *                flush first
     */
    void closeEveryConnection(boolean exiting) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to; done says it will do nothing
            }
        }
        long drain = gate.limits().shutdownDrain().toNanos();
        gate.stopAccepting();
        liveness.stop();
        try {
            rooms.stopPosting(System.nanoTime() + drain);
        } catch (RuntimeException containerGone) {
            // too late for the registry (its container stopped): the connections are still closed cleanly
            LOG.log(Level.FINE, "posts could not be stopped", containerGone);
        }
        int open = users.connectionCount();
        if (exiting) {
            users.closeAllNow(Closing.GOING_AWAY, "server shutting down");
        } else {
            users.closeAll(Closing.GOING_AWAY, "server shutting down");
        }
        long deadline = System.nanoTime() + drain;
        // the clients' close replies arrive on container threads; nothing to wait on but the count itself
        while (users.connectionCount() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        LOG.info(String.format(
                "Parley stopping: %d connections closed with 1001, %d not closed after %d ms",
                open, users.connectionCount(), TimeUnit.NANOSECONDS.toMillis(drain)));
    }
}
