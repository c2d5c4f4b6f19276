package dev.parley.chat.control;

import dev.parley.chat.entity.Identity;
import dev.parley.settings.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every limit, timeout and switch of chat, read once at startup from {@code parley.*} settings. The settings
 * document (src/site/markdown/settings.md) lists the same names and defaults; SettingsDocumentTest holds them equal.
 */
public record ChatLimits(
        boolean guests,
        List<String> allowedOrigins,
        Set<String> reservedNames,
        int maxTextCodePoints,
        int maxFrameBytes,
        double sayPerSecond,
        int sayBurst,
        double commandsPerSecond,
        int commandsBurst,
        int strikesBeforeClose,
        Duration strikeWindow,
        int roomsPerConnection,
        int maxRooms,
        boolean autoCreateRooms,
        int roomsCreatedPerUserPerHour,
        int roomsCreatedPerAddressPerHour,
        int joinCharsPerAddressPerSecond,
        int joinCharsPerAddressBurst,
        long roomCacheChars,
        Duration presenceGrace,
        Duration largeRoomPresenceInterval,
        Duration typingInterval,
        int outboxMaxFrames,
        long outboxMaxBytes,
        long outboundTotalChars,
        int outboxWriterThreads,
        long outboxBatchMaxBytes,
        Duration outboxLinger,
        int storeMaxPending,
        int storeMaxPendingPerRoom,
        Duration storeTimeout) {

    /** Protocol v1 fixes these; they are not settings. */
    public static final int MEMBERS_LISTED = 100;

    public static final int ROOMS_LISTED = 200;
    public static final int JOINED_HISTORY = 50;
    public static final int HISTORY_DEFAULT = 50;
    public static final int HISTORY_MAX = 200;

    public static ChatLimits from(Settings settings) {
        return new ChatLimits(
                settings.flag("parley.guests", true),
                Stream.of(settings.text("parley.allowed-origins", "").split(","))
                        .map(String::trim)
                        .filter(origin -> !origin.isEmpty())
                        .toList(),
                settings.list("parley.reserved-names").stream()
                        .map(Identity::fold)
                        .collect(Collectors.toUnmodifiableSet()),
                settings.integer("parley.text.max-code-points", 4000),
                settings.integer("parley.frame.max-bytes", 65536),
                settings.integer("parley.rate.say-per-second", 10),
                settings.integer("parley.rate.say-burst", 20),
                settings.integer("parley.rate.commands-per-second", 30),
                settings.integer("parley.rate.commands-burst", 60),
                // the page, reconnecting into 50 rooms and catching up two history pages in each, is refused up to
                // ~120 times within 10 s as it retries with backoff (app.js historyRefused); a flood, thousands
                settings.integer("parley.rate.strikes-before-close", 200),
                Duration.ofSeconds(Math.max(1, settings.integer("parley.rate.strike-window-s", 10))),
                settings.integer("parley.rooms.per-connection", 50),
                settings.integer("parley.rooms.max", 10_000),
                settings.flag("parley.rooms.auto-create", true),
                settings.integer("parley.rooms.created-per-user-per-hour", 60),
                settings.integer("parley.rooms.created-per-address-per-hour", 100),
                // a join sends the room's last 50 messages: up to 50 x 8,000 chars, which a client may ask for again
                // and again by joining and leaving within its command rate. The burst lets a page reconnect into 50
                // rooms of such messages at once; after it, 5 such rooms a second
                settings.integer("parley.joins.chars-per-address-per-second", 2_000_000),
                settings.integer("parley.joins.chars-per-address-burst", 24_000_000),
                settings.number("parley.rooms.cache-chars", 16_000_000L),
                settings.millis("parley.presence.grace-ms", Duration.ofSeconds(5)),
                settings.millis("parley.presence.large-room-interval-ms", Duration.ofSeconds(1)),
                settings.millis("parley.typing.interval-ms", Duration.ofSeconds(2)),
                settings.integer("parley.outbox.max-frames", 1000),
                settings.number("parley.outbox.max-bytes", 1L << 20),
                // 64 Mi chars are at most 128 MiB of UTF-16: a quarter of a -Xmx512m heap
                settings.number("parley.outbound.total-chars", 64L << 20),
                settings.integer(
                        "parley.outbox.writer-threads", Runtime.getRuntime().availableProcessors()),
                settings.number("parley.outbox.batch-max-bytes", 65536),
                settings.millis("parley.outbox.linger-ms", Duration.ZERO),
                settings.integer("parley.store.max-pending", 5000),
                settings.integer("parley.store.max-pending-per-room", 500),
                settings.millis("parley.store.timeout-ms", Duration.ofSeconds(5)));
    }

    public static ChatLimits defaults() {
        return from(Settings.of(java.util.Map.of()));
    }
}
