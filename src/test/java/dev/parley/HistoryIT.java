package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.Deployments;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.Archive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stored messages: the history a {@code joined} carries and the pages of {@code history before/after}, with their
 * limits and {@code more} flags.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HistoryIT {

    static final int POSTED = 210;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static Archive<?> deployment() {
        return Deployments.parley();
    }

    /** The profile says which database the server must use ({@code parley.it.database}); its startup log names it. */
    @Test
    void theServerStoresInTheDatabaseTheProfileConfigured() throws IOException {
        // every server profile names its Arquillian server's log (pom.xml)
        String log = System.getProperty("parley.it.server-log");
        String database = System.getProperty("parley.it.database", "H2");
        List<String> named = Files.readAllLines(Path.of(log)).stream()
                .filter(line -> line.contains("Parley database: "))
                .toList();
        assertFalse(named.isEmpty(), "no startup line names Parley's database in " + log);
        assertTrue(named.get(named.size() - 1).contains(" is " + database + " "), named.get(named.size() - 1));
    }

    @Test
    void historyPagesBothWaysWithDefaultAndClampedLimitsAndMoreFlags() {
        String room = unique("history");
        List<String> texts =
                IntStream.rangeClosed(1, POSTED).mapToObj(i -> "h-" + i).collect(Collectors.toList());
        List<JsonObject> posted = ChatClient.postAll(base, room, texts);
        assertEquals(
                LongStream.rangeClosed(1, POSTED).boxed().toList(),
                ChatClient.seqs(posted),
                "one poster at a time gets seq 1, 2, 3 …");

        try (ChatClient reader = ChatClient.open(base, unique("reader"))) {
            JsonObject joined = reader.join(room);
            assertEquals(POSTED, joined.getJsonNumber("last").longValue());
            List<JsonObject> recent = joined.getJsonArray("history").getValuesAs(JsonObject.class);
            assertItems(recent, POSTED - 49, POSTED);
            assertEquals(
                    joined.getJsonNumber("last").longValue(),
                    recent.get(recent.size() - 1).getJsonNumber("seq").longValue());

            assertPage(page(reader, room, "after", 0, null), 1, 50, true);
            assertPage(page(reader, room, "after", 0, 1000), 1, 200, true);
            assertPage(page(reader, room, "after", 0, 200), 1, 200, true);
            assertPage(page(reader, room, "after", 50, 50), 51, 100, true);
            assertPage(page(reader, room, "after", 189, 20), 190, 209, true);
            assertPage(page(reader, room, "after", 190, 20), 191, 210, false);
            assertPage(page(reader, room, "after", 200, 50), 201, 210, false);
            assertPage(page(reader, room, "after", POSTED, null), 0, -1, false);

            assertPage(page(reader, room, "before", POSTED + 1, null), POSTED - 49, POSTED, true);
            assertPage(page(reader, room, "before", 1_000_000, 5), POSTED - 4, POSTED, true);
            assertPage(page(reader, room, "before", POSTED + 1, 1000), POSTED - 199, POSTED, true);
            assertPage(page(reader, room, "before", 101, 30), 71, 100, true);
            assertPage(page(reader, room, "before", 12, 10), 2, 11, true);
            assertPage(page(reader, room, "before", 11, 10), 1, 10, false);
            assertPage(page(reader, room, "before", 11, null), 1, 10, false);
            assertPage(page(reader, room, "before", 1, null), 0, -1, false);
        }
    }

    @Test
    void historyItemsCarryTheRequestersOwnRefsOnly() {
        String room = unique("refs");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            JsonObject fromAlice = alice.post(room, "mine");
            JsonObject fromBob = bob.post(room, "yours");

            alice.command("history", "room", room, "after", 0);
            List<JsonObject> items =
                    alice.await("history").getJsonArray("messages").getValuesAs(JsonObject.class);
            assertEquals(2, items.size(), items::toString);
            assertEquals(fromAlice.getString("ref"), items.get(0).getString("ref", null));
            assertFalse(items.get(1).containsKey("ref"), "alice sees bob's ref: " + items.get(1));
            assertEquals(fromBob.getJsonNumber("seq"), items.get(1).getJsonNumber("seq"));

            try (ChatClient carol = ChatClient.open(base, unique("carol"))) {
                List<JsonObject> joinedHistory =
                        carol.join(room).getJsonArray("history").getValuesAs(JsonObject.class);
                assertEquals(2, joinedHistory.size());
                assertTrue(
                        joinedHistory.stream().noneMatch(item -> item.containsKey("ref")),
                        "a newcomer sees others' refs: " + joinedHistory);
            }
        }
    }

    @Test
    void aReconnectingClientCatchesUpWithHistoryAfterTheLastSeqItSaw() {
        String room = unique("catchup");
        try (ChatClient alice = ChatClient.open(base, unique("alice"))) {
            alice.join(room);
            long lastSeen;
            try (ChatClient bob = ChatClient.open(base, unique("bob"))) {
                bob.join(room);
                lastSeen =
                        bob.post(room, "before the break").getJsonNumber("seq").longValue();
            }
            JsonObject missed1 = alice.post(room, "while bob was away 1");
            JsonObject missed2 = alice.post(room, "while bob was away 2");
            try (ChatClient bob = ChatClient.open(base, unique("bob"))) {
                bob.join(room);
                bob.command("history", "room", room, "after", lastSeen);
                JsonObject page = bob.await("history");
                List<JsonObject> items = page.getJsonArray("messages").getValuesAs(JsonObject.class);
                assertEquals(
                        List.of(
                                missed1.getJsonNumber("seq").longValue(),
                                missed2.getJsonNumber("seq").longValue()),
                        items.stream()
                                .map(item -> item.getJsonNumber("seq").longValue())
                                .toList());
                assertFalse(page.getBoolean("more"));
            }
        }
    }

    private static JsonObject page(ChatClient reader, String room, String direction, long seq, Integer limit) {
        if (limit == null) {
            reader.command("history", "room", room, direction, seq);
        } else {
            reader.command("history", "room", room, direction, seq, "limit", limit);
        }
        JsonObject page = reader.await("history");
        assertEquals(room, page.getString("room"));
        return page;
    }

    /** The page holds seq {@code first} to {@code last} (none when last < first), oldest first. */
    private static void assertPage(JsonObject page, long first, long last, boolean more) {
        List<JsonObject> items = page.getJsonArray("messages").getValuesAs(JsonObject.class);
        String description = items.isEmpty()
                ? "[]"
                : items.get(0).getJsonNumber("seq") + ".."
                        + items.get(items.size() - 1).getJsonNumber("seq") + " (" + items.size() + " items)";
        assertAll(
                description,
                () -> assertItems(items, first, last),
                () -> assertEquals(more, page.getBoolean("more"), "more"));
    }

    private static void assertItems(List<JsonObject> items, long first, long last) {
        List<Long> expected = LongStream.rangeClosed(first, last).boxed().toList();
        assertEquals(
                expected,
                items.stream()
                        .map(item -> item.getJsonNumber("seq").longValue())
                        .toList());
        for (JsonObject item : items) {
            long seq = item.getJsonNumber("seq").longValue();
            assertEquals("h-" + seq, item.getString("text"), item::toString);
            assertEquals("message", item.getString("type", "message"));
            assertTrue(item.getString("from").startsWith("poster-"), item::toString);
            assertTrue(ProtocolIT.TIMESTAMP.matcher(item.getString("at")).matches(), item::toString);
            assertFalse(item.containsKey("ref"), "the reader sees a poster's ref: " + item);
        }
    }
}
