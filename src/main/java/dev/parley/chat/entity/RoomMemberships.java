package dev.parley.chat.entity;

import java.util.List;
import java.util.Map;

/**
 * The rooms logged-in users keep, with their read markers (the membership extension). Chat owns this contract and
 * history keeps the rows; every method waits for the database, so chat calls them on a thread of its own.
 */
public interface RoomMemberships {

    /** The user's kept rooms in name order, each with its marker and the messages others posted above it. */
    List<Event.KeptRoom> kept(String userKey);

    /**
     * Keeps the room for the user (shown as {@code userName}) with its marker at {@code read} (below zero: at the
     * room's last seq now), unless it is kept already (then as it was).
     *
     * @return whether the user did not keep it before
     */
    boolean keep(String userKey, String userName, String room, long read);

    /** The user no longer keeps the room. */
    void forget(String userKey, String room);

    /**
     * The user's marker in the room if it moved to at least {@code atLeast} (never back), and the messages others
     * posted above it: nothing is written.
     *
     * @return the marker, or null if the user does not keep the room
     */
    Marker read(String userKey, String room, long atLeast);

    /** Moves each marker forward to its value (never back); rows no longer kept are left alone. */
    void store(Map<Key, Long> markers);

    /** The read markers of the room's keepers who send read receipts. */
    List<Reader> readers(String room);

    /** Whether the user sends and sees read receipts (the default) or neither. */
    boolean receiptsOn(String userKey);

    void receipts(String userKey, boolean on);

    /** One keeper of a room and how far the user has read it. */
    record Reader(String userKey, String userName, long read) {}

    /** A read marker where it stands: {@code stored} is what the database held before. */
    record Marker(long read, long unread, long stored) {}

    /** One user's membership of one room. */
    record Key(String userKey, String room) {}
}
