package dev.parley.chat.entity;

/**
 * What an operator did on this node, fired by the admin component once the database has it and this node's members
 * were told, so that the other nodes of a cluster do the same for theirs. Bans, mutes and closed rooms are in the
 * database, which other nodes read again; a kick and an announcement are only what the event carries.
 */
public sealed interface OperatorAction {

    /** Bans, mutes or closed rooms changed in the database. */
    record RestrictionsChanged() implements OperatorAction {}

    /** The user (a key) was removed from the room: its connections on other nodes leave it too. */
    record Kicked(String room, String userKey, String reason) implements OperatorAction {}

    /** A {@code notice} to everyone ({@code room} null) or to the members of one room. */
    record Announced(String room, String text) implements OperatorAction {}

    /** The room and its messages were deleted from the database (a purge); {@code text} is what its members read. */
    record RoomDeleted(String room, String text) implements OperatorAction {}
}
