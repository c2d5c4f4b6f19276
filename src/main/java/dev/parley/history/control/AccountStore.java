package dev.parley.history.control;

import dev.parley.history.entity.KnownAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;

/** The names of the accounts that have ever logged in. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class AccountStore {

    @PersistenceContext(unitName = "parley")
    EntityManager em;

    Clock clock = Clock.systemUTC();

    public List<String> names() {
        return em.createQuery("SELECT a.name FROM KnownAccount a", String.class).getResultList();
    }

    public void remember(String name) {
        if (em.find(KnownAccount.class, name) == null) {
            em.persist(new KnownAccount(name, clock.millis()));
        }
    }
}
