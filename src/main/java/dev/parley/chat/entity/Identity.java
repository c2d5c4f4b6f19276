package dev.parley.chat.entity;

import java.util.Locale;

/** Who a connection speaks for. Names are unique case-insensitively, so {@link #key()} identifies a user. */
public record Identity(String name, boolean authenticated) {

    public String key() {
        return keyOf(name);
    }

    public static String keyOf(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
