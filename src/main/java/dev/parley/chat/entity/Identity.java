package dev.parley.chat.entity;

import java.util.Locale;

/**
 * Who a connection speaks for: a guest, who chose its name at the handshake, or an account the server's realm
 * authenticated. The two are different people even under the same name, so {@link #key()} carries the kind:
 * {@code g:alice} for the guest, {@code a:alice} for the account, each with the name case-folded. Every
 * restriction, room membership, whisper and stored sender is keyed this way.
 */
public record Identity(String name, boolean authenticated) {

    static final String GUEST = "g:";
    static final String ACCOUNT = "a:";

    public String key() {
        return keyOf(name, !authenticated);
    }

    public boolean guest() {
        return !authenticated;
    }

    public static String keyOf(String name, boolean guest) {
        return (guest ? GUEST : ACCOUNT) + fold(name);
    }

    public static String guestKey(String name) {
        return keyOf(name, true);
    }

    public static String accountKey(String name) {
        return keyOf(name, false);
    }

    /** Whether the text is a key ({@code g:…} or {@code a:…}) rather than a plain name. */
    public static boolean isKey(String text) {
        return text != null && (text.startsWith(GUEST) || text.startsWith(ACCOUNT));
    }

    public static boolean isGuestKey(String key) {
        return key.startsWith(GUEST);
    }

    /** The name a key is for, as case-folded. */
    public static String nameOf(String key) {
        return key.substring(GUEST.length());
    }

    /** Names are unique case-insensitively. */
    public static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
