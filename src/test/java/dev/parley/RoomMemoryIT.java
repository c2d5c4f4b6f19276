package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import dev.parley.testing.ServerMetrics;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a guest filling rooms with maximum-size messages costs the server, on a server of its own with a small
 * cache budget: the rooms' caches stay within it (the {@code parley_room_cache_chars} gauge), empty rooms keep
 * nothing, a join reads what was evicted from the database, and creating rooms beyond the hourly bound is refused.
 */
class RoomMemoryIT {

    static final int BUDGET = 60_000;
    static final int ROOMS = 12;
    static final int PER_ROOM = 10;
    static final String TEXT = "\"".repeat(4000);
    static final int CREATIONS = 3;

    @RegisterExtension
    static final OwnServer server = OwnServer.with(
            "room-memory",
            "-Dparley.rooms.cache-chars=" + BUDGET,
            "-Dparley.rooms.created-per-user-per-hour=" + CREATIONS,
            "-Dparley.rate.say-per-second=1000",
            "-Dparley.rate.say-burst=1000");

    @Test
    void fullRoomsStayWithinTheCacheBudgetEmptyOnesKeepNothingAndEvictedOnesAreReadAgain() throws Exception {
        URL base = server.base();
        String prefix = unique("full");
        List<ChatClient> guests = new ArrayList<>();
        try {
            // one guest per room: each creates one, so the creation bound stays out of the way
            for (int room = 0; room < ROOMS; room++) {
                ChatClient guest = ChatClient.open(base, unique("filler"));
                guests.add(guest);
                guest.join(prefix + room);
                for (int i = 0; i < PER_ROOM; i++) {
                    guest.post(prefix + room, TEXT);
                }
            }
            Poll.until(
                    Duration.ofSeconds(10),
                    () -> cachedChars(base) <= BUDGET,
                    "the caches are trimmed to the budget, not " + cachedChars(base) + " chars");
            assertTrue(cachedChars(base) > BUDGET / 2, "the budget is used");

            guests.get(ROOMS - 1).leave(prefix + (ROOMS - 1));
            try (ChatClient reader = ChatClient.open(base, unique("reader"))) {
                JsonObject joined = reader.join(prefix + 0);
                assertEquals(PER_ROOM, joined.getJsonArray("history").size(), "the first room's cache was evicted");
                assertEquals(
                        TEXT, joined.getJsonArray("history").getJsonObject(0).getString("text"));
                assertEquals(PER_ROOM, joined.getInt("last"));
                reader.leave(prefix + 0);
            }
        } finally {
            guests.forEach(ChatClient::close);
        }
        Poll.until(
                Duration.ofSeconds(30),
                () -> cachedChars(base) == 0,
                "rooms whose members left after the presence grace keep nothing: " + cachedChars(base) + " chars");
    }

    @Test
    void aGuestCreatesOnlySoManyRoomsAnHour() {
        String prefix = unique("made");
        try (ChatClient guest = ChatClient.open(server.base(), unique("creator"))) {
            for (int room = 0; room < CREATIONS; room++) {
                guest.join(prefix + room);
            }
            guest.command("join", "room", prefix + CREATIONS);
            JsonObject refused = guest.awaitError("limit_exceeded");
            assertEquals(prefix + CREATIONS, refused.getString("room"));
            assertTrue(refused.getString("message").contains("rooms an hour"), refused.toString());
            assertEquals("general", guest.join("general").getString("room"), "existing rooms stay open");
        }
    }

    private static long cachedChars(URL base) {
        return ServerMetrics.value(base, "parley_room_cache_chars");
    }
}
