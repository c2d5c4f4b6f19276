package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A clean end for every connection when the application stops (server shutdown or undeploy): no new connections,
 * no new messages stored, the ones being stored finish and reach their rooms, then every connection gets its queued
 * frames and a close with 1001, so clients reconnect rather than guess. It runs once, from whichever comes first;
 * a later caller waits for it (bounded), which holds the container's teardown until the close frames are out:
 * <ul>
 * <li>a JVM shutdown hook (SIGTERM): Open Liberty quiesces, and drops open sockets, before it tells the application
 * anything, so only a hook gets a close frame out in time; WildFly suspends its executors first;</li>
 * <li>the web module's end ({@code chat.boundary.ShutdownServlet}): undeploy, or a server that stops applications
 * first; a servlet hears of it before the filters are destroyed (Payara's WebSocket filter drops every connection
 * then);</li>
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

    private final AtomicBoolean begun = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(() -> closeEveryConnection(true), "parley-shutdown");

    void startWatching(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @PreDestroy
    public void closeEveryConnection() {
        closeEveryConnection(false);
    }

    /**
     * The first caller closes; a later one (the container stopping the application while the hook closes) waits
     * until the close frames are out, at most twice {@code parley.shutdown.drain-ms}, so that the container does not
     * tear the connections down under them.
     *
     * @param exiting the JVM is exiting and the server drops open sockets soon: close at once, dropping queued
     *                frames (their clients ask {@code history after} and resend unacknowledged refs), and only then
     *                let the posts in flight settle
     */
    void closeEveryConnection(boolean exiting) {
        if (!begun.compareAndSet(false, true)) {
            awaitFinished();
            return;
        }
        try {
            close(exiting);
        } finally {
            finished.countDown();
        }
    }

    private void awaitFinished() {
        if (finished.getCount() > 0) {
            LOG.info("Parley stopping: the application is ending, waiting for the connections being closed");
        }
        try {
            if (!finished.await(2 * gate.limits().shutdownDrain().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning("Parley stopping: the container goes on before every connection was closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void close(boolean exiting) {
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to; begun says it will only wait
            }
        }
        long started = System.nanoTime();
        String trigger = exiting ? "the JVM is exiting" : "the application is ending";
        LOG.info(() -> "Parley stopping (" + trigger + "): " + users.connectionCount() + " connections open");
        long drain = gate.limits().shutdownDrain().toNanos();
        gate.stopAccepting();
        liveness.stop();
        int open = users.connectionCount();
        if (exiting) {
            users.closeAllNow(Closing.GOING_AWAY, "server shutting down");
            stopPosting(System.nanoTime() + drain);
        } else {
            stopPosting(System.nanoTime() + drain);
            users.closeAll(Closing.GOING_AWAY, "server shutting down");
        }
        long deadline = System.nanoTime() + drain;
        // the clients' close replies arrive on container threads; nothing to wait on but the count itself
        while (users.connectionCount() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        LOG.info(String.format(
                "Parley stopping (%s): %d connections closed with 1001, %d not closed after %d ms",
                trigger, open, users.connectionCount(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
    }

    private void stopPosting(long deadline) {
        try {
            rooms.stopPosting(deadline);
        } catch (RuntimeException containerGone) {
            // too late for the registry (its container stopped): the connections are still closed cleanly
            LOG.log(Level.FINE, "posts could not be stopped", containerGone);
        }
    }
}
