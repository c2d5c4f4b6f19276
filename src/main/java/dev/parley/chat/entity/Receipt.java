package dev.parley.chat.entity;

/** What the archive did with a {@link MessagePosted}. */
public sealed interface Receipt {

    /** Newly stored with the next seq of its room. */
    record Stored(Event.Message message) implements Receipt {}

    /** The sender's ref was already stored with the same text: nothing new was stored. */
    record Repeated(Event.Message message) implements Receipt {}

    /** The sender's ref was already stored with another text. */
    record RefConflict(long seq) implements Receipt {}
}
