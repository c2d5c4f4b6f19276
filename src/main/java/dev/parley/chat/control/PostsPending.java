package dev.parley.chat.control;

import jakarta.ejb.ApplicationException;

/**
 * A room cannot be deleted yet: posts to it are still on their way to the database (a slow or hung database). Were
 * it deleted now, such a post could be stored after a room of the same name was created again, into that new room.
 * An application exception, so the caller gets it as it is and can try again once the posts have settled.
 */
@ApplicationException
public class PostsPending extends RuntimeException {

    public PostsPending(String room) {
        super("posts to " + room + " are still on their way to the database; try again in a moment");
    }
}
