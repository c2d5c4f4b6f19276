package dev.parley.chat.entity;

import dev.parley.settings.Settings;

/**
 * The bounds of mentions, read once at startup (settings document); chat judges a post by them and the archive the
 * room's keepers.
 *
 * @param maxPerMessage  a message mentions at most this many distinct users; the names after them are ignored
 * @param roomMaxMembers {@code @room} notifies only in rooms of at most this many members
 */
public record MentionSettings(int maxPerMessage, int roomMaxMembers) {

    public static MentionSettings from(Settings settings) {
        return new MentionSettings(
                settings.integer("parley.mentions.max-per-message", 20),
                settings.integer("parley.mentions.room-max-members", 50));
    }
}
