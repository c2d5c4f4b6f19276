package dev.parley.admin.control;

import dev.parley.admin.entity.AuditEntry;
import dev.parley.admin.entity.AuditView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Every administrative action, as a row in {@code parley_audit} and as one structured (JSON) line in the server
 * log under the logger {@code dev.parley.admin.audit}.
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger("dev.parley.admin.audit");

    @PersistenceContext(unitName = "parley")
    EntityManager em;

    Clock clock = Clock.systemUTC();

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(String actor, String action, String target, String reason) {
        long now = clock.millis();
        em.persist(new AuditEntry(UUID.randomUUID().toString(), now, actor, action, target, reason));
        LOG.info(() -> line(now, actor, action, target, reason));
    }

    /** {@code limit} entries, newest first, after skipping the newest {@code offset}. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<AuditView> latest(int offset, int limit) {
        return em.createQuery("SELECT a FROM AuditEntry a ORDER BY a.actedAt DESC, a.id", AuditEntry.class)
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultStream()
                .map(AuditEntry::view)
                .toList();
    }

    static String line(long at, String actor, String action, String target, String reason) {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("audit", "parley-admin")
                .add("at", Instant.ofEpochMilli(at).toString())
                .add("actor", actor)
                .add("action", action);
        if (target != null) {
            json.add("target", target);
        }
        if (reason != null) {
            json.add("reason", reason);
        }
        return json.build().toString();
    }
}
