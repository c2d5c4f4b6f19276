package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.Http;
import dev.parley.testing.Poll;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's endpoints on the real server: health asks the database, metrics move when clients chat. */
class OpsIT extends DeployedParley {

    private static final HttpClient HTTP = Http.client();

    @Test
    void healthSaysTheDatabaseAnswers() throws Exception {
        HttpResponse<String> response = get("/api/health");

        assertEquals(200, response.statusCode(), response::body);
        JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals("up", health.getString("status"), response::body);
        assertEquals("up", health.getString("database"), response::body);
        assertTrue(health.getJsonNumber("rooms").longValue() >= 1, "general is stored: " + response.body());
    }

    @Test
    void metricsCountStoredAndDeliveredMessagesWithTheirLatencies() throws Exception {
        String room = ChatClient.unique("ops");
        try (ChatClient alice = ChatClient.open(base, ChatClient.unique("alice"));
                ChatClient bob = ChatClient.open(base, ChatClient.unique("bob"))) {
            alice.join(room);
            bob.join(room);
            Map<String, Double> before = metrics();
            for (int i = 0; i < 3; i++) {
                long seq = alice.post(room, "hello " + i).getJsonNumber("seq").longValue();
                bob.await(
                        frame -> "message".equals(frame.getString("type", null))
                                && frame.getJsonNumber("seq").longValue() == seq,
                        "message " + seq);
            }
            Map<String, Double> after = metricsGrownBy(
                    before,
                    Map.of(
                            "parley_messages_stored_total", 3.0,
                            "parley_messages_delivered_total", 6.0,
                            "parley_store_seconds_count", 3.0,
                            "parley_fanout_seconds_count", 3.0));

            assertTrue(after.get("parley_connections") >= 2, "two clients are connected: " + after);
            assertTrue(after.get("parley_room_cache_chars") >= 3 * "hello 0".length(), "the room's cache: " + after);
            assertTrue(grew(before, after, "parley_messages_stored_total") >= 3, () -> diff(before, after));
            assertTrue(grew(before, after, "parley_messages_delivered_total") >= 6, () -> diff(before, after));
            assertTrue(grew(before, after, "parley_store_seconds_count") >= 3, () -> diff(before, after));
            assertTrue(grew(before, after, "parley_fanout_seconds_count") >= 3, () -> diff(before, after));
            assertTrue(
                    after.get("parley_store_seconds_sum") > before.get("parley_store_seconds_sum"),
                    () -> diff(before, after));
            assertEquals(
                    after.get("parley_store_seconds_count"),
                    after.get("parley_store_seconds_bucket{le=\"+Inf\"}"),
                    "+Inf bucket holds every sample");
            assertTrue(after.get("jvm_memory_used_bytes{area=\"heap\"}") > 0, after::toString);
        }
    }

    /**
     * Posts to different rooms that arrive while a commit is in progress share the next transaction (group commit):
     * clients in rooms of their own post at once without waiting for echoes, and fewer transactions than messages
     * are counted. With one transaction per message the two counters would grow alike.
     */
    @Test
    void postsToManyRoomsAtOnceShareTransactions() throws Exception {
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rooms.add(ChatClient.unique("batch"));
        }
        assertPostsAtOnceShareTransactions(rooms, 12);
    }

    /**
     * Posts to one room that arrive while a commit is in progress share the next transaction too, with consecutive
     * seqs: a few clients in one room post at once without waiting for echoes (as many as the default say burst
     * lets each), and fewer transactions than messages are counted. A room that stored one post per commit (a room
     * lock held until the commit returns) would count one transaction per message.
     */
    @Test
    void postsToOneRoomAtOnceShareTransactions() throws Exception {
        String room = ChatClient.unique("hot");
        assertPostsAtOnceShareTransactions(List.of(room, room, room, room), ChatClient.SAY_BUDGET);
    }

    /** Client i joins {@code roomOfEach.get(i)}; all post {@code posts} messages at once, then await their copies. */
    private void assertPostsAtOnceShareTransactions(List<String> roomOfEach, int posts) {
        int clients = roomOfEach.size();
        List<ChatClient> posters = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                ChatClient poster = ChatClient.open(base, ChatClient.unique("batch" + i));
                posters.add(poster);
                poster.join(roomOfEach.get(i));
            }
            Map<String, Double> before = metrics();
            List<List<String>> refs = new ArrayList<>();
            for (ChatClient poster : posters) {
                refs.add(new ArrayList<>());
            }
            for (int k = 0; k < posts; k++) {
                for (int i = 0; i < clients; i++) {
                    String ref = ChatClient.ref();
                    refs.get(i).add(ref);
                    posters.get(i).say(roomOfEach.get(i), "at once " + k, ref);
                }
            }
            for (int i = 0; i < clients; i++) {
                for (String ref : refs.get(i)) {
                    posters.get(i).awaitOwn(ref);
                }
            }
            Map<String, Double> after =
                    metricsGrownBy(before, Map.of("parley_messages_stored_total", (double) clients * posts));

            double stored = grew(before, after, "parley_messages_stored_total");
            double transactions = grew(before, after, "parley_store_transactions_total");
            assertTrue(stored >= clients * posts, () -> diff(before, after));
            assertTrue(transactions < stored, "every message had a transaction of its own: " + diff(before, after));
        } finally {
            posters.forEach(ChatClient::close);
        }
    }

    @Test
    void aRefusedHandshakeIsCountedByItsReason() throws Exception {
        String name = ChatClient.unique("taken");
        try (ChatClient holder = ChatClient.open(base, name)) {
            Map<String, Double> before = metrics();
            try (ChatClient second = ChatClient.connect(ChatClient.chatUri(base, "name=" + name))) {
                second.awaitError("name_taken");
                assertEquals(4003, second.awaitClose());
            }
            String refused = "parley_refusals_total{reason=\"name_taken\",code=\"4003\"}";
            Map<String, Double> after = metricsGrownBy(before, Map.of(refused, 1.0));

            assertEquals(1, grew(before, after, refused), () -> diff(before, after));
            assertEquals(0, grew(before, after, "parley_queue_overflows_total"), () -> diff(before, after));
        }
    }

    private HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .timeout(ChatClient.TIMEOUT)
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The metrics once every sample in {@code growth} has grown by at least its amount since {@code before}: the
     * server records some after the work they count (a fan-out after its sends), so a client that has seen the work
     * done can read the metrics a moment before they are.
     */
    private Map<String, Double> metricsGrownBy(Map<String, Double> before, Map<String, Double> growth) {
        return Poll.until(
                ChatClient.TIMEOUT,
                this::metrics,
                now -> growth.entrySet().stream()
                        .allMatch(sample -> grew(before, now, sample.getKey()) >= sample.getValue()),
                now -> "expected growth " + growth + ", saw\n" + diff(before, now));
    }

    /** Every sample line of the exposition, keyed by name and labels as written. */
    private Map<String, Double> metrics() {
        HttpResponse<String> response = get("/api/metrics");
        assertEquals(200, response.statusCode(), response::body);
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                response.headers()::toString);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    private static double grew(Map<String, Double> before, Map<String, Double> after, String sample) {
        return after.getOrDefault(sample, 0.0) - before.getOrDefault(sample, 0.0);
    }

    private static String diff(Map<String, Double> before, Map<String, Double> after) {
        StringBuilder out = new StringBuilder();
        after.forEach((key, value) -> {
            if (key.startsWith("parley_") && !value.equals(before.get(key))) {
                out.append(key)
                        .append(": ")
                        .append(before.get(key))
                        .append(" -> ")
                        .append(value)
                        .append('\n');
            }
        });
        return out.toString();
    }
}
