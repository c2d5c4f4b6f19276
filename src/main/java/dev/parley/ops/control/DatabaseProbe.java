package dev.parley.ops.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Asks Parley's database a real question through the application's own persistence unit and data source. */
@ApplicationScoped
public class DatabaseProbe {

    /** A database that has not answered in this long is down as far as an operator is concerned. */
    static final int TIMEOUT_MS = 2_000;

    @PersistenceContext(unitName = "parley")
    EntityManager em;

    /** @return the number of stored rooms; throws when the database cannot be reached */
    public long rooms() {
        return em.createQuery("SELECT COUNT(r) FROM RoomState r", Long.class)
                .setHint("jakarta.persistence.query.timeout", TIMEOUT_MS)
                .getSingleResult();
    }
}
