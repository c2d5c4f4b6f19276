package dev.parley.chat.control;

import dev.parley.chat.entity.Closing;
import dev.parley.settings.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * A clean end for every connection when the application stops (server shutdown or undeploy): no new connections,
 * the messages being stored finish and reach their rooms, then every connection gets its queued frames and a close
 * with 1001, so clients reconnect rather than guess. Being {@code @DependsOn("Rooms")}, it is destroyed before the
 * room registry and the archive.
 */
@Singleton
@Startup
@DependsOn("Rooms")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Shutdown {

    private static final Logger LOG = Logger.getLogger(Shutdown.class.getName());

    @Inject
    ConnectionGate gate;
    @Inject
    Rooms rooms;
    @Inject
    Users users;

    @PreDestroy
    void closeEveryConnection() {
        Duration drain = ConnectionLimits.from(Settings.fromEnvironment()).shutdownDrain();
        gate.stopAccepting();
        rooms.stopPosting();
        int open = users.connectionCount();
        users.closeAll(Closing.GOING_AWAY, "server shutting down");
        long deadline = System.nanoTime() + drain.toNanos();
        // the clients' close replies arrive on container threads; nothing to wait on but the count itself
        while (users.connectionCount() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        LOG.info(String.format("Parley stopped: %d connections closed with 1001, %d still open after %d ms", open,
                users.connectionCount(), drain.toMillis()));
    }
}
