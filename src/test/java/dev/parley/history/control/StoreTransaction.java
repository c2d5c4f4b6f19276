package dev.parley.history.control;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.function.Function;

/** What the server's transaction interceptor does around each call: new persistence context, commit or roll back. */
final class StoreTransaction {

    private StoreTransaction() {}

    static <R> R run(EntityManagerFactory database, MessageStore store, Function<MessageStore, R> work) {
        EntityManager em = database.createEntityManager();
        try {
            em.getTransaction().begin();
            store.em = em;
            R result = work.apply(store);
            em.getTransaction().commit();
            return result;
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }
}
