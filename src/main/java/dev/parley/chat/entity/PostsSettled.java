package dev.parley.chat.entity;

import java.util.List;

/**
 * What became of posts, fired by the archive after each transaction (or failure), on the archive's own thread and
 * in the order the posts were {@linkplain MessagePosted fired}.
 */
public record PostsSettled(List<Settled> posts) {

    /** The receipt of the post chat numbered {@code postId}. */
    public record Settled(long postId, Receipt receipt) {}
}
