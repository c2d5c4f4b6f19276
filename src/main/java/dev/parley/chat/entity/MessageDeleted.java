package dev.parley.chat.entity;

/**
 * An operator deleted message {@code seq} of {@code room}: the database holds it redacted and this node's members
 * were told. Fired by the admin component, so that other nodes of a cluster tell theirs.
 */
public record MessageDeleted(String room, long seq) {}
