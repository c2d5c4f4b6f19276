package dev.parley.chat.entity;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A {@code say} that passed every check, fired by the room registry inside the room's critical section. The
 * archive observes it synchronously, stores it in its own transaction and completes {@code receipt} after the
 * commit, so by the time {@code fire} returns the registry knows what happened and broadcasts only what is stored.
 */
public record MessagePosted(
        String room, String sender, String text, String ref, Instant at, CompletableFuture<Receipt> receipt) {

    public MessagePosted(String room, String sender, String text, String ref, Instant at) {
        this(room, sender, text, ref, at, new CompletableFuture<>());
    }
}
