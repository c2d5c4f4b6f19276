package dev.parley.chat.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A user's first connection on this node opened ({@code online}), or its last one here closed. Fired by chat in the
 * order of each user's changes; in cluster mode the other nodes learn from it who is online here, so that a whisper
 * finds the user, no guest elsewhere takes its name, and a guest's resume token is honoured on another node: a guest
 * carries the digest of its token ({@code tokenDigest}, never the token), an account none.
 */
public record OnlineHere(String userKey, String name, String tokenDigest, boolean online) {

    /** What the cluster keeps as the user's name: {@code name}, or {@code "name digest"} (a name has no space). */
    public String held() {
        return tokenDigest == null ? name : name + ' ' + tokenDigest;
    }

    /** The other way round: what {@link #held()} made. */
    public static OnlineHere fromHeld(String userKey, String held, boolean online) {
        int space = held.indexOf(' ');
        return space < 0
                ? new OnlineHere(userKey, held, null, online)
                : new OnlineHere(userKey, held.substring(0, space), held.substring(space + 1), online);
    }

    /** A resume token's digest (SHA-256, base64url): what other nodes compare an offered token with. */
    public static String digest(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
