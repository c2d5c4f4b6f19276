package dev.parley.chat.entity;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who a message's text mentions: {@code @} and a user name (1 to 32 of {@code A-Z a-z 0-9 _ - .}, case-insensitive)
 * not preceded by a name character, so that an e-mail address mentions no one; dots that end it are punctuation.
 * {@code @room} mentions everyone in the room (whether that notifies anyone is the room's size's to decide).
 *
 * @param names    the mentioned names, case-folded, in the order they first appear, at most the bound asked for
 * @param everyone whether the text says {@code @room}
 */
public record Mentions(Set<String> names, boolean everyone) {

    public static final Mentions NONE = new Mentions(Set.of(), false);
    public static final String EVERYONE = "room";
    static final int NAME_MAX = 32;

    /** The mentions in {@code text}: at most {@code maxNames} distinct names, the later ones ignored. */
    public static Mentions in(String text, int maxNames) {
        if (text == null || text.indexOf('@') < 0) {
            return NONE;
        }
        Set<String> names = new LinkedHashSet<>();
        boolean everyone = false;
        int at = text.indexOf('@');
        while (at >= 0) {
            int end = at + 1;
            while (end < text.length() && nameChar(text.charAt(end))) {
                end++;
            }
            int last = end;
            while (last > at + 1 && text.charAt(last - 1) == '.') {
                last--;
            }
            boolean standsAlone = at == 0 || !nameChar(text.charAt(at - 1));
            int length = last - at - 1;
            if (standsAlone && length >= 1 && length <= NAME_MAX) {
                String name = Identity.fold(text.substring(at + 1, last));
                if (name.equals(EVERYONE)) {
                    everyone = true;
                } else if (names.size() < maxNames) {
                    names.add(name);
                }
            }
            at = text.indexOf('@', Math.max(end, at + 1));
        }
        return names.isEmpty() && !everyone ? NONE : new Mentions(Set.copyOf(names), everyone);
    }

    /** Whether the user of this key (a guest's or an account's) is among the names. */
    public boolean names(String userKey) {
        return names.contains(Identity.nameOf(userKey));
    }

    public boolean none() {
        return names.isEmpty() && !everyone;
    }

    /** The same without {@code @room}: in a room too large for it. */
    public Mentions withoutEveryone() {
        return everyone ? new Mentions(names, false) : this;
    }

    private static boolean nameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.';
    }
}
