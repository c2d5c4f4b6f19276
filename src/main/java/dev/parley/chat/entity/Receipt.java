package dev.parley.chat.entity;

/** What the archive did with a {@link MessagePosted}. */
public sealed interface Receipt {

    /** Newly stored with the next seq of its room, and committed. */
    record Stored(Event.Message message) implements Receipt {}

    /** The sender's ref was already stored with the same text: nothing new was stored. */
    record Repeated(Event.Message message) implements Receipt {}

    /** The sender's ref was already stored with another text. */
    record RefConflict(long seq) implements Receipt {}

    /** A {@linkplain MessagePosted#retryOnly() retry} whose ref is not stored: nothing to answer it with. */
    record NotStored() implements Receipt {}

    /**
     * The post refers to something it may not (an upload that is not the sender's, is unknown, or is already in a
     * message): nothing was stored; {@code reason} says which, for the sender.
     */
    record Invalid(String reason) implements Receipt {}

    /** Storing failed (the database, or the server stopping): nothing was stored, the sender may retry. */
    record Failed(String reason) implements Receipt {}
}
