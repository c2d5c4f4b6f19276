package dev.parley.files.control;

import dev.parley.chat.entity.FileSettings;
import dev.parley.history.control.FileStore;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes uploads that no message took within {@code parley.files.unposted-ttl-ms} (a page closed mid-message, a
 * script filling its quota), every {@code parley.files.sweep-interval-ms}. Every node of a cluster sweeps; the rows'
 * locks keep two sweeps, and a sweep and a message taking the upload, apart.
 */
@Singleton
@Startup
@DependsOn("Schema")
public class UnpostedUploads {

    private static final Logger LOG = Logger.getLogger(UnpostedUploads.class.getName());
    /** Rows per transaction: a large backlog is removed in short transactions, not one long one. */
    static final int PER_TRANSACTION = 100;

    @Inject
    FileStore store;

    @Inject
    FileDirectory directory;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ScheduledExecutorService scheduler;

    Clock clock = Clock.systemUTC();
    private FileSettings settings;
    private ScheduledFuture<?> sweeping;

    @PostConstruct
    void start() {
        settings = FileSettings.from(Settings.fromEnvironment());
        long every = settings.sweepInterval().toMillis();
        sweeping = scheduler.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        sweeping.cancel(false);
    }

    void sweep() {
        try {
            long cutoff = clock.millis() - settings.unpostedAfter().toMillis();
            int removed = 0;
            List<String> now;
            do {
                now = store.removeUnpostedBefore(cutoff, PER_TRANSACTION);
                directory.delete(now);
                removed += now.size();
            } while (now.size() == PER_TRANSACTION);
            if (removed > 0) {
                int total = removed;
                LOG.info(() -> "Parley files: removed " + total + " uploads that no message took");
            }
            int unnamed = directory.removeUnnamed(Instant.ofEpochMilli(cutoff), store::existing);
            if (unnamed > 0) {
                LOG.info(() -> "Parley files: removed " + unnamed + " files of the directory that no upload names");
            }
        } catch (IOException | RuntimeException failed) {
            // the database may be away for a while: the next sweep tries again
            LOG.log(Level.WARNING, "Parley files: cannot remove unposted uploads now", failed);
        }
    }
}
