package dev.parley.chat.entity;

/**
 * A user became a member of a room on this node ({@code present}), or stopped being one (after the presence grace,
 * or at once when it left or was kicked). Fired by chat under the room's lock, so a room's changes come in the order
 * they happened; in cluster mode the other nodes learn from it who is in the room here.
 */
public record PresenceHere(String room, String userKey, String name, boolean present) {}
