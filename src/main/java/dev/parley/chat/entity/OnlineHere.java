package dev.parley.chat.entity;

/**
 * A user's first connection on this node opened ({@code online}), or its last one here closed. Fired by chat in the
 * order of each user's changes; in cluster mode the other nodes learn from it who can be whispered to here.
 */
public record OnlineHere(String userKey, String name, boolean online) {}
