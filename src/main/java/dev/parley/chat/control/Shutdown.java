package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * A clean end for every connection when the application stops (server shutdown or undeploy): no new connections,
 * no new messages stored, the ones being stored finish and reach their rooms, then every connection gets its queued
 * frames and a close with 1001, so clients reconnect rather than guess. The web module's end
 * ({@code chat.boundary.ShutdownListener}) starts it, early, while the database is still there; the end of the
 * application scope is the fallback. It runs once.
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

    @PreDestroy
    public void closeEveryConnection() {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        long drain = gate.limits().shutdownDrain().toNanos();
        gate.stopAccepting();
        liveness.stop();
        rooms.stopPosting();
        int open = users.connectionCount();
        users.closeAll(Closing.GOING_AWAY, "server shutting down");
        long deadline = System.nanoTime() + drain;
        // the clients' close replies arrive on container threads; nothing to wait on but the count itself
        while (users.connectionCount() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        LOG.info(String.format("Parley stopping: %d connections closed with 1001, %d not closed after %d ms", open,
                users.connectionCount(), TimeUnit.NANOSECONDS.toMillis(drain)));
    }
}
