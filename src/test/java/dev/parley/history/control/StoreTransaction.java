package dev.parley.history.control;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** What the server's transaction interceptor does around each call: new persistence context, commit or roll back. */
final class StoreTransaction {

    private StoreTransaction() {}

    static <R> R run(EntityManagerFactory database, MessageStore store, Function<MessageStore, R> work) {
        return run(database, store, (bound, em) -> bound.em = em, work);
    }

    static <R> R run(EntityManagerFactory database, MembershipStore store, Function<MembershipStore, R> work) {
        return run(database, store, (bound, em) -> bound.em = em, work);
    }

    static <R> R run(EntityManagerFactory database, ConversationStore store, Function<ConversationStore, R> work) {
        return run(database, store, (bound, em) -> bound.em = em, work);
    }

    static <R> R run(EntityManagerFactory database, FileStore store, Function<FileStore, R> work) {
        return run(database, store, (bound, em) -> bound.em = em, work);
    }

    private static <S, R> R run(
            EntityManagerFactory database, S store, BiConsumer<S, EntityManager> bind, Function<S, R> work) {
        EntityManager em = database.createEntityManager();
        try {
            em.getTransaction().begin();
            bind.accept(store, em);
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
