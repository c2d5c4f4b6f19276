package dev.parley.history.control;

import jakarta.annotation.PostConstruct;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.Map;

/**
 * What the stores beside the message store share: their persistence context, a clock, and every query bounded by
 * {@code parley.db.statement-timeout-ms} as the message store's are, so no store's call waits on the database for
 * longer than the message store's would.
 */
abstract class BoundedStore {

    @PersistenceContext(unitName = "parley")
    EntityManager em;

    Clock clock = Clock.systemUTC();

    /** Every query's bound, as the message store's. */
    Map<String, Object> timeout = Map.of();

    @PostConstruct
    void readSettings() {
        timeout = Map.of(
                MessageStore.QUERY_TIMEOUT, (int) StoreSettings.from(dev.parley.settings.Settings.fromEnvironment())
                        .statementTimeout()
                        .toMillis());
    }

    <Q extends jakarta.persistence.Query> Q bounded(Q query) {
        timeout.forEach(query::setHint);
        return query;
    }
}
