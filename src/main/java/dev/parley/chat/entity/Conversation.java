package dev.parley.chat.entity;

import java.util.Locale;
import java.util.Map;

/**
 * A private room or a direct conversation (the conversations extension): a room only its {@code members} may join,
 * named by an id of the server's ({@code ~} and 16 of {@code a-z 0-9}) so that no public room name can reach it.
 *
 * @param members the members' user keys and the names they are shown with
 * @param title a private room's title; null for a direct conversation, whose title is the other member
 */
public record Conversation(String room, Kind kind, String title, Map<String, String> members) {

    public static final char PREFIX = '~';
    public static final int ID_CHARS = 16;
    public static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** Whether the name is a conversation's id: {@code ~} and 16 of {@code a-z 0-9}. */
    public static boolean isId(String name) {
        if (name == null || name.length() != ID_CHARS + 1 || name.charAt(0) != PREFIX) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (ID_ALPHABET.indexOf(name.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    public enum Kind {
        PRIVATE,
        DIRECT;

        /** As the protocol's {@code kind} says it. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Conversation {
        members = Map.copyOf(members);
    }

    public Conversation without(String userKey) {
        Map<String, String> rest = new java.util.LinkedHashMap<>(members);
        rest.remove(userKey);
        return new Conversation(room, kind, title, rest);
    }

    public boolean has(String userKey) {
        return members.containsKey(userKey);
    }

    /** In a direct conversation, the name of the member that is not {@code userKey}; null in a private room. */
    public String with(String userKey) {
        if (kind != Kind.DIRECT) {
            return null;
        }
        return members.entrySet().stream()
                .filter(member -> !member.getKey().equals(userKey))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    /** {@code user} (shown as {@code userName}) was added by {@code by}, as {@code seenBy} is told. */
    public Event.Invited invited(String userName, String by, String seenBy) {
        return new Event.Invited(room, kind.wire(), title, with(seenBy), userName, by);
    }

    /** A copy of {@code joined} that says what conversation it is, as {@code userKey} sees it. */
    public Event.Joined describe(Event.Joined joined, String userKey) {
        return joined.describedAs(kind.wire(), title, with(userKey));
    }

    /** A copy of a kept room that says what conversation it is, as {@code userKey} sees it. */
    public Event.KeptRoom describe(Event.KeptRoom kept, String userKey) {
        return new Event.KeptRoom(
                kept.room(),
                kept.read(),
                kept.unread(),
                kept.last(),
                kept.mentions(),
                kind.wire(),
                title,
                with(userKey));
    }
}
