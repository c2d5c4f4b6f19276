package dev.parley.admin.control;

import dev.parley.admin.entity.Ban;
import dev.parley.admin.entity.ClosedRoom;
import dev.parley.admin.entity.Mute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** Bans, mutes and closed rooms in the database, each change committed in its own transaction. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class ModerationStore {

    @PersistenceContext(unitName = "parley")
    EntityManager em;

    /** Stores the ban, replacing an earlier one of the same subject. */
    public void ban(Ban ban) {
        Ban earlier = em.find(Ban.class, Ban.idOf(ban.kind(), ban.subject()));
        if (earlier != null) {
            em.remove(earlier);
            em.flush();
        }
        em.persist(ban);
    }

    /** Removes the ban; with {@code until}, only if it is still that ban. */
    public Optional<Ban> unban(String kind, String subject, Long until) {
        Ban ban = em.find(Ban.class, Ban.idOf(kind, subject));
        if (ban == null || (until != null && ban.until() != until)) {
            return Optional.empty();
        }
        em.remove(ban);
        return Optional.of(ban);
    }

    public List<Ban> bans() {
        return em.createQuery("SELECT b FROM Ban b ORDER BY b.id", Ban.class).getResultList();
    }

    public void mute(Mute mute) {
        Mute earlier = em.find(Mute.class, Mute.idOf(mute.room(), mute.userKey()));
        if (earlier != null) {
            em.remove(earlier);
            em.flush();
        }
        em.persist(mute);
    }

    public Optional<Mute> unmute(String room, String userKey, Long until) {
        Mute mute = em.find(Mute.class, Mute.idOf(room, userKey));
        if (mute == null || (until != null && mute.until() != until)) {
            return Optional.empty();
        }
        em.remove(mute);
        return Optional.of(mute);
    }

    public List<Mute> mutes() {
        return em.createQuery("SELECT m FROM Mute m ORDER BY m.id", Mute.class).getResultList();
    }

    public void close(ClosedRoom closed) {
        if (em.find(ClosedRoom.class, closed.room()) == null) {
            em.persist(closed);
        }
    }

    /** @return whether the room was closed */
    public boolean reopen(String room) {
        ClosedRoom closed = em.find(ClosedRoom.class, room);
        if (closed == null) {
            return false;
        }
        em.remove(closed);
        return true;
    }

    /** The room was deleted: its mutes and its closed mark go too. */
    public void forgetRoom(String room) {
        em.createQuery("DELETE FROM Mute m WHERE m.room = :room")
                .setParameter("room", room)
                .executeUpdate();
        em.createQuery("DELETE FROM ClosedRoom c WHERE c.room = :room")
                .setParameter("room", room)
                .executeUpdate();
    }

    public List<ClosedRoom> closedRooms() {
        return em.createQuery("SELECT c FROM ClosedRoom c ORDER BY c.room", ClosedRoom.class)
                .getResultList();
    }
}
