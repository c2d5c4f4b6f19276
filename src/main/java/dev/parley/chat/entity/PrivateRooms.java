package dev.parley.chat.entity;

import java.util.List;

/**
 * The private rooms and direct conversations and their members (the conversations extension). Chat owns this
 * contract and history keeps the rows; every method waits for the database, so chat calls them on a thread of its
 * own.
 */
public interface PrivateRooms {

    /** The conversation, or null if there is none of this id. */
    Conversation find(String room);

    /**
     * The direct conversation of the two users, made under {@code newId} (with its room) if they have none yet; two
     * nodes making it at once end with the same one.
     */
    Conversation direct(String newId, Member one, Member other);

    /** A new private room of this id, with its room, and {@code creator} its only member. */
    Conversation create(String id, String title, Member creator);

    /** The conversation with the user a member (as it was if the user was one already), or null if there is none. */
    Conversation add(String room, Member member);

    /** The conversation without the user, or null if there is none. */
    Conversation remove(String room, String userKey);

    /** The name an account was last seen logged in with, if it has ever logged in; else null. */
    String accountName(String userKey);

    /** The conversations among these rooms (others are public rooms). */
    List<Conversation> findAll(List<String> rooms);

    record Member(String userKey, String userName) {}
}
