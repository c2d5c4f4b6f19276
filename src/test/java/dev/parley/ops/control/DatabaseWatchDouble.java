package dev.parley.ops.control;

import dev.parley.settings.Settings;
import java.util.Map;

/** A {@link DatabaseWatch} with the default settings that has asked its probe once, as at startup. */
public final class DatabaseWatchDouble {

    private DatabaseWatchDouble() {}

    public static DatabaseWatch asking(DatabaseProbe probe) {
        DatabaseWatch watch = new DatabaseWatch();
        watch.probe = probe;
        watch.settings = HealthSettings.from(Settings.of(Map.of()));
        watch.observe();
        return watch;
    }
}
