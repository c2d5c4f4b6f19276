package dev.parley.chat.entity;

import java.util.List;
import java.util.Map;

/**
 * What chat reads from the archive. Chat owns this contract and history implements it, so history depends on chat's
 * nouns and chat on nothing of history.
 */
public interface MessageHistory {

    /** Every stored room with its latest seq. */
    Map<String, Long> rooms();

    /** Creates the room if it is new; returns its latest seq. */
    long openRoom(String name);

    /**
     * Deletes the room's messages and state, after the posts to it that were committing; a post stored later finds
     * no room and is answered {@link Receipt.NotStored}.
     *
     * @return the messages deleted
     */
    long purge(String room);

    /** The newest {@code count} messages of the room, oldest first. */
    List<Event.Message> latest(String room, int count);

    /** {@code before}: the newest {@code limit} below it; {@code after}: the oldest {@code limit} above it. */
    Event.History page(String room, Long before, Long after, int limit);
}
