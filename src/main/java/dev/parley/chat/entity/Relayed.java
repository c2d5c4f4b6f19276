package dev.parley.chat.entity;

/**
 * What chat sent to this node's connections that concerns connections on other nodes too, fired after it was sent
 * here; in cluster mode the other nodes send it to theirs.
 */
public sealed interface Relayed {

    /**
     * A whisper, for the recipient's and the sender's connections on other nodes (each gets {@code whisper} as it is,
     * without the sender's ref).
     */
    record Whispered(Event.Whisper whisper, String fromKey, String toKey) implements Relayed {}

    /** A member is typing in the room, for the room's members on other nodes (not the typist's own connections). */
    record Typed(String room, String userKey, String name) implements Relayed {}

    /**
     * A logged-in user's read marker moved (membership): {@code read} for its connections that keep rooms on other
     * nodes, and {@code receipt}, if any, for the room's members there who see receipts.
     */
    record MarkerMoved(String userKey, Event.Read read, Event.Receipt receipt) implements Relayed {}

    /** A guest resumed here with its token: its connections on other nodes are replaced (closed with 4011). */
    record Resumed(String userKey) implements Relayed {}

    /** A logged-in user left a kept room: its connections that keep rooms on other nodes leave it too. */
    record LeftKept(String room, String userKey) implements Relayed {}

    /**
     * A user was added to a conversation here: {@code invited} for the user's connections that keep rooms on other
     * nodes, and with {@code roomToo} for the room's connections there as well (a private room's invitation).
     */
    record Invited(String userKey, Event.Invited invited, boolean roomToo) implements Relayed {}
}
