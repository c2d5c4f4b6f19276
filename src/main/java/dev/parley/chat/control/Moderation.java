package dev.parley.chat.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What operators have restricted, as chat enforces it: bans (by user name or by remote address), mutes per room and
 * user, closed rooms. The admin component stores these and fills this in at startup and on every action; a timed
 * restriction is an end time ({@code 0}: none), compared with the clock at every check, so it ends on time even
 * before its timer has removed it.
 */
@ApplicationScoped
public class Moderation {

    public static final long PERMANENT = 0;

    Clock clock = Clock.systemUTC();
    private final Map<String, Long> bannedUsers = new ConcurrentHashMap<>();
    private final Map<String, Long> bannedAddresses = new ConcurrentHashMap<>();
    private final Map<String, Long> mutes = new ConcurrentHashMap<>();
    private final Set<String> closedRooms = ConcurrentHashMap.newKeySet();

    /** Whether a connection of this user (case-folded name) or from this address must be refused. */
    public boolean banned(String userKey, String address) {
        return (userKey != null && active(bannedUsers.get(userKey)))
                || (address != null && active(bannedAddresses.get(address)));
    }

    public boolean muted(String room, String userKey) {
        return active(mutes.get(muteKey(room, userKey)));
    }

    public boolean closed(String room) {
        return closedRooms.contains(room);
    }

    public void banUser(String userKey, long until) {
        bannedUsers.put(userKey, until);
    }

    /** Lifts the ban; with {@code until} only if it is still that ban (an expiry must not lift a newer ban). */
    public void unbanUser(String userKey, Long until) {
        lift(bannedUsers, userKey, until);
    }

    public void banAddress(String address, long until) {
        bannedAddresses.put(address, until);
    }

    public void unbanAddress(String address, Long until) {
        lift(bannedAddresses, address, until);
    }

    public void mute(String room, String userKey, long until) {
        mutes.put(muteKey(room, userKey), until);
    }

    public void unmute(String room, String userKey, Long until) {
        lift(mutes, muteKey(room, userKey), until);
    }

    public void close(String room) {
        closedRooms.add(room);
    }

    public void reopen(String room) {
        closedRooms.remove(room);
    }

    /**
     * Every restriction held (cluster mode: to compare with what the database holds after another node changed it).
     */
    public Restrictions restrictions() {
        return new Restrictions(
                Map.copyOf(bannedUsers), Map.copyOf(bannedAddresses), Map.copyOf(mutes), Set.copyOf(closedRooms));
    }

    /**
     * Takes the database's restrictions as they are. New ones are in place before the lifted ones go, so a restriction
     * held in both is never absent meanwhile.
     */
    public void adopt(Restrictions stored) {
        adopt(bannedUsers, stored.bannedUsers());
        adopt(bannedAddresses, stored.bannedAddresses());
        adopt(mutes, stored.mutes());
        closedRooms.addAll(stored.closedRooms());
        closedRooms.retainAll(stored.closedRooms());
    }

    private static void adopt(Map<String, Long> held, Map<String, Long> stored) {
        held.putAll(stored);
        held.keySet().retainAll(stored.keySet());
    }

    /** The room was deleted: its mutes and closed mark go with it, a new room of the name starts without them. */
    public void forgetRoom(String room) {
        String prefix = muteKey(room, "");
        mutes.keySet().removeIf(key -> key.startsWith(prefix));
        closedRooms.remove(room);
    }

    private boolean active(Long until) {
        return until != null && (until == PERMANENT || until > clock.millis());
    }

    private static void lift(Map<String, Long> restrictions, String key, Long until) {
        if (until == null) {
            restrictions.remove(key);
        } else {
            restrictions.remove(key, until);
        }
    }

    private static String muteKey(String room, String userKey) {
        return Restrictions.muteOf(room, userKey);
    }

    /**
     * Bans by user key and by address, mutes by {@link #muteOf room and user key}, each with its end ({@link #PERMANENT}:
     * none), and the closed rooms.
     */
    public record Restrictions(
            Map<String, Long> bannedUsers,
            Map<String, Long> bannedAddresses,
            Map<String, Long> mutes,
            Set<String> closedRooms) {

        public static String muteOf(String room, String userKey) {
            return room + "/" + userKey;
        }
    }
}
