package dev.parley.chat.entity;

import java.time.Instant;
import java.util.List;

/**
 * A {@code say} that passed chat's checks, fired synchronously on the container thread that accepted it. The
 * archive's observer only queues it, so the order of {@code fire} calls is the order of the room's seqs: one
 * connection's posts to a room are stored in the order it sent them. What became of it comes back in
 * {@link PostsSettled} under the same {@code id}.
 *
 * @param id        chat's number for the post, unique while the application runs
 * @param sender    who posted it; a guest and an account of the same name are different senders
 * @param retryOnly the sender is not in the room: only a retry of a ref it stored there may be answered, nothing is
 *                  stored
 * @param mentions  who the text mentions, as chat's rules judged it (bounded; {@code @room} only where the room is
 *                  small enough): the archive stores a mention for each of them who keeps the room
 * @param files     the ids of uploads the message carries (the files extension), or null: the archive checks in the
 *                  message's transaction that each is the sender's and not yet in a message, and binds it to this one
 */
public record MessagePosted(
        long id,
        String room,
        Identity sender,
        String text,
        String ref,
        Instant at,
        boolean retryOnly,
        Mentions mentions,
        List<String> files) {

    public MessagePosted {
        files = files == null || files.isEmpty() ? null : List.copyOf(files);
    }

    public MessagePosted(
            long id,
            String room,
            Identity sender,
            String text,
            String ref,
            Instant at,
            boolean retryOnly,
            Mentions mentions) {
        this(id, room, sender, text, ref, at, retryOnly, mentions, null);
    }

    public MessagePosted(
            long id, String room, Identity sender, String text, String ref, Instant at, boolean retryOnly) {
        this(id, room, sender, text, ref, at, retryOnly, Mentions.NONE);
    }

    /** Refs are unique per sender key and room, so a guest's retry never matches an account's post. */
    public String senderKey() {
        return sender.key();
    }
}
