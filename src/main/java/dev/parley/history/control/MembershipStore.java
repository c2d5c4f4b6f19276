package dev.parley.history.control;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.RoomMemberships;
import dev.parley.history.entity.Membership;
import dev.parley.history.entity.ReceiptsOff;
import dev.parley.history.entity.RoomState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;

/** The kept rooms and read markers in the database, each call in a transaction of its own. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class MembershipStore extends BoundedStore {

    public List<Event.KeptRoom> kept(String userKey) {
        List<Object[]> rows = bounded(em.createQuery(
                        "SELECT mb, r.lastSeq FROM Membership mb, RoomState r WHERE mb.userKey = :user "
                                + "AND r.name = mb.room ORDER BY mb.room",
                        Object[].class))
                .setParameter("user", userKey)
                .getResultList();
        return rows.stream()
                .map(row -> {
                    Membership membership = (Membership) row[0];
                    long last = (Long) row[1];
                    long read = Math.min(membership.readSeq(), last);
                    return new Event.KeptRoom(
                            membership.room(), read, unread(userKey, membership.room(), read, last), last);
                })
                .toList();
    }

    public boolean keep(String userKey, String userName, String room, long read) {
        if (em.find(Membership.class, new Membership.Key(userKey, room), timeout) != null) {
            return false;
        }
        RoomState state = em.find(RoomState.class, room, timeout);
        if (state == null) {
            return false;
        }
        em.persist(new Membership(userKey, userName, room, read < 0 ? state.lastSeq() : read, clock.millis()));
        return true;
    }

    public List<RoomMemberships.Reader> readers(String room) {
        return bounded(em.createQuery(
                        "SELECT mb FROM Membership mb WHERE mb.room = :room AND NOT EXISTS "
                                + "(SELECT o FROM ReceiptsOff o WHERE o.userKey = mb.userKey)",
                        Membership.class))
                .setParameter("room", room)
                .getResultStream()
                .map(mb -> new RoomMemberships.Reader(mb.userKey(), mb.userName(), mb.readSeq()))
                .toList();
    }

    public boolean receiptsOn(String userKey) {
        return em.find(ReceiptsOff.class, userKey, timeout) == null;
    }

    public void receipts(String userKey, boolean on) {
        ReceiptsOff off = em.find(ReceiptsOff.class, userKey, timeout);
        if (on && off != null) {
            em.remove(off);
        } else if (!on && off == null) {
            em.persist(new ReceiptsOff(userKey, clock.millis()));
        }
    }

    public void forget(String userKey, String room) {
        Membership membership = em.find(Membership.class, new Membership.Key(userKey, room), timeout);
        if (membership != null) {
            em.remove(membership);
        }
    }

    public RoomMemberships.Marker read(String userKey, String room, long atLeast) {
        Membership membership = em.find(Membership.class, new Membership.Key(userKey, room), timeout);
        RoomState state = em.find(RoomState.class, room, timeout);
        if (membership == null || state == null) {
            return null;
        }
        long read = Math.min(Math.max(membership.readSeq(), atLeast), state.lastSeq());
        return new RoomMemberships.Marker(read, unread(userKey, room, read, state.lastSeq()), membership.readSeq());
    }

    public void store(Map<RoomMemberships.Key, Long> markers) {
        markers.forEach((key, read) -> bounded(em.createQuery(
                        "UPDATE Membership mb SET mb.readSeq = :read WHERE mb.userKey = :user AND mb.room = :room "
                                + "AND mb.readSeq < :read"))
                .setParameter("read", read)
                .setParameter("user", key.userKey())
                .setParameter("room", key.room())
                .executeUpdate());
    }

    /** Messages others posted in (read, last] that are not deleted: what the user has not read. */
    private long unread(String userKey, String room, long read, long last) {
        if (read >= last) {
            return 0;
        }
        return bounded(em.createQuery(
                        "SELECT COUNT(m) FROM StoredMessage m WHERE m.room = :room AND m.seq > :read "
                                + "AND m.seq <= :last AND m.senderKey <> :user AND m.deletedAt IS NULL",
                        Long.class))
                .setParameter("room", room)
                .setParameter("read", read)
                .setParameter("last", last)
                .setParameter("user", userKey)
                .getSingleResult();
    }
}
