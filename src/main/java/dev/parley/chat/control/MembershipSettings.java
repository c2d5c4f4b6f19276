package dev.parley.chat.control;

import dev.parley.settings.Settings;
import java.time.Duration;

/**
 * The settings of kept rooms and read markers (membership extension), read once at startup (settings document).
 *
 * @param markerStoreInterval how often moved read markers are written: a user who reads fast costs one update per
 *     room per interval, and a crash loses at most the last interval's moves
 * @param maxQueued membership reads and writes waiting for the database; one more is refused at once
 * @param receiptsMaxMembers read receipts are sent in rooms of at most this many members
 * @param conversationMaxMembers a private room has at most this many members (conversations extension)
 * @param invitesPerUserPerHour a user invites at most this many people into private rooms an hour
 */
public record MembershipSettings(
        Duration markerStoreInterval,
        int maxQueued,
        int receiptsMaxMembers,
        int conversationMaxMembers,
        int invitesPerUserPerHour) {

    public static MembershipSettings from(Settings settings) {
        return new MembershipSettings(
                settings.millis("parley.membership.marker-store-interval-ms", Duration.ofSeconds(1)),
                settings.integer("parley.membership.max-queued", 10_000),
                settings.integer("parley.receipts.max-members", 50),
                settings.integer("parley.conversations.max-members", 100),
                settings.integer("parley.conversations.invites-per-user-per-hour", 100));
    }
}
