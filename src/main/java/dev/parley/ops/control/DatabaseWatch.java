package dev.parley.ops.control;

import dev.parley.settings.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Asks the database on a schedule of its own, on a thread of its own, so that {@code /api/health} answers at once
 * from the latest answer, however slow the database or busy the server's pools: a health check must not queue
 * behind the work it is meant to judge. The first question is asked while the application starts.
 */
@ApplicationScoped
public class DatabaseWatch {

    private static final Logger LOG = Logger.getLogger(DatabaseWatch.class.getName());

    @Inject
    DatabaseProbe probe;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    HealthSettings settings;
    private volatile Observation latest = new Observation(false, 0, System.nanoTime());
    private volatile boolean watching;
    private Thread watcher;

    /** One answer: whether the database answered, the number of stored rooms, and when ({@link System#nanoTime}). */
    public record Observation(boolean answered, long rooms, long at) {}

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        settings = HealthSettings.from(Settings.fromEnvironment());
        observe();
        watching = true;
        watcher = threads.newThread(this::watch);
        watcher.setName("parley-database-watch");
        watcher.start();
    }

    /**
     * Ends the watch without interrupting it: a thread interrupted inside the database's file I/O makes the embedded
     * H2 close its file channel under the open database.
     */
    @PreDestroy
    public void stop() {
        watching = false;
        if (watcher != null && watcher != Thread.currentThread()) {
            LockSupport.unpark(watcher);
            try {
                watcher.join(settings.timeout().plus(settings.interval()).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The latest answer, as down if it is older than the interval plus the timeout (the question is stuck). */
    public Observation latest(long now) {
        Observation seen = latest;
        long stale = settings.interval().plus(settings.timeout()).toNanos();
        return now - seen.at() > stale ? new Observation(false, 0, seen.at()) : seen;
    }

    private void watch() {
        while (watching) {
            LockSupport.parkNanos(this, settings.interval().toNanos());
            if (watching) {
                observe();
            }
        }
    }

    void observe() {
        try {
            long rooms = probe.rooms((int) settings.timeout().toMillis());
            latest = new Observation(true, rooms, System.nanoTime());
        } catch (RuntimeException unreachable) {
            if (latest.answered()) {
                LOG.log(Level.WARNING, "health: the database did not answer", unreachable);
            }
            latest = new Observation(false, 0, System.nanoTime());
        }
    }
}
