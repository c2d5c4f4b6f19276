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
 */
public record MembershipSettings(Duration markerStoreInterval, int maxQueued, int receiptsMaxMembers) {

    public static MembershipSettings from(Settings settings) {
        return new MembershipSettings(
                settings.millis("parley.membership.marker-store-interval-ms", Duration.ofSeconds(1)),
                settings.integer("parley.membership.max-queued", 10_000),
                settings.integer("parley.receipts.max-members", 50));
    }
}
