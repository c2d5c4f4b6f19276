package dev.parley.history.control;

import dev.parley.chat.entity.Attachment;
import dev.parley.history.entity.FileContent;
import dev.parley.history.entity.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Set;

/**
 * Uploads in the database (the files extension), each call in a transaction of its own. The message store binds an
 * upload to the message that carries it, and deletes it with that message or its room.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class FileStore extends BoundedStore {

    /**
     * Stores the upload as its owner's, unless the owner's files would then take more than {@code quotaBytes}.
     *
     * @param content its bytes, or null when they are kept outside the database (the files' directory)
     * @return whether it was stored
     */
    public boolean saveWithinQuota(Attachment file, String ownerKey, byte[] content, long quotaBytes) {
        if (usedBy(ownerKey) + file.size() > quotaBytes) {
            return false;
        }
        em.persist(new StoredFile(file, ownerKey, clock.millis()));
        if (content != null) {
            em.persist(new FileContent(file.id(), content));
        }
        return true;
    }

    /** Which of the ids name an upload. */
    public Set<String> existing(List<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(bounded(em.createQuery("SELECT f.id FROM StoredFile f WHERE f.id IN :ids", String.class))
                .setParameter("ids", ids)
                .getResultList());
    }

    /** What the upload is, whose, and where it was posted; null if there is no such upload. */
    public StoredFile find(String id) {
        return em.find(StoredFile.class, id, timeout);
    }

    /** The upload's bytes kept in the database, or null if they are not (gone, or kept in the files' directory). */
    public byte[] content(String id) {
        // a scalar, not the entity: a managed entity's bytes would be held twice (Hibernate keeps a copy to compare)
        return bounded(em.createQuery("SELECT c.content FROM FileContent c WHERE c.id = :id", byte[].class))
                .setParameter("id", id)
                .getResultStream()
                .findFirst()
                .orElse(null);
    }

    /** What the owner's files take in all, posted or not. */
    public long usedBy(String ownerKey) {
        // untyped: EclipseLink (Open Liberty 26, Payara 6) hands COALESCE(SUM(long), 0) back as the database's type,
        // a BigDecimal on H2 2.x, and a Long-typed query then fails with a ClassCastException; Hibernate gives a Long
        Object sum = bounded(em.createQuery("SELECT SUM(f.byteSize) FROM StoredFile f WHERE f.ownerKey = :owner"))
                .setParameter("owner", ownerKey)
                .getSingleResult();
        return sum == null ? 0 : ((Number) sum).longValue();
    }

    /**
     * Deletes the uploads no message carries that came before {@code cutoffMillis}, at most {@code limit} of them.
     *
     * @return the ids of those deleted
     */
    public List<String> removeUnpostedBefore(long cutoffMillis, int limit) {
        List<String> candidates = bounded(em.createQuery(
                        "SELECT f.id FROM StoredFile f WHERE f.room IS NULL AND f.uploadedAt < :cutoff", String.class))
                .setParameter("cutoff", cutoffMillis)
                .setMaxResults(limit)
                .getResultList();
        if (candidates.isEmpty()) {
            return List.of();
        }
        // locked: a message taking one of them meanwhile waits, then finds it gone (and its sender is told so). Not in
        // the limited query: EclipseLink (Open Liberty 26, Payara 6) writes "FOR UPDATE LIMIT ?", which H2 2.x rejects
        List<String> ids = bounded(em.createQuery(
                        "SELECT f FROM StoredFile f WHERE f.id IN :ids AND f.room IS NULL", StoredFile.class))
                .setParameter("ids", candidates)
                .setLockMode(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .getResultStream()
                .map(StoredFile::id)
                .toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        bounded(em.createQuery("DELETE FROM FileContent c WHERE c.id IN :ids"))
                .setParameter("ids", ids)
                .executeUpdate();
        bounded(em.createQuery("DELETE FROM StoredFile f WHERE f.id IN :ids"))
                .setParameter("ids", ids)
                .executeUpdate();
        return ids;
    }
}
