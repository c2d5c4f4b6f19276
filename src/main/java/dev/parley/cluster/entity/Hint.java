package dev.parley.cluster.entity;

import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.OperatorAction;
import dev.parley.chat.entity.Relayed;

/**
 * What one node tells the others over the cluster bus. A hint only says that something is in the database (a node
 * that missed it finds it there), or carries what an operator did that nothing stores (a kick, an announcement).
 */
public sealed interface Hint {

    /** A message this node committed (without its ref: that is for its sender, on this node). */
    record Stored(Event.Message message) implements Hint {}

    /** An operator deleted message {@code seq} of {@code room} on this node (the database has it redacted). */
    record Deleted(String room, long seq) implements Hint {}

    /**
     * A user became a member of a room on some node ({@code joined}), or is a member on none any more (said by Redis
     * itself, in the order of the changes, to every node).
     */
    record Presence(String room, String userKey, String name, boolean joined) implements Hint {}

    /** What this node sent its connections that other nodes send theirs (a whisper, typing). */
    record Relay(Relayed relayed) implements Hint {}

    /** An operator acted on this node: the others do the same for their members. */
    record Operator(OperatorAction action) implements Hint {}
}
