package dev.parley.ops.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Asks Parley's database a real question through the application's own persistence unit and data source. */
@ApplicationScoped
public class DatabaseProbe {

    @PersistenceContext(unitName = "parley")
    EntityManager em;

    /** @return the number of stored rooms; throws when the database cannot be reached in {@code timeoutMillis} */
    public long rooms(int timeoutMillis) {
        return em.createQuery("SELECT COUNT(r) FROM RoomState r", Long.class)
                .setHint("jakarta.persistence.query.timeout", timeoutMillis)
                .getSingleResult();
    }
}
