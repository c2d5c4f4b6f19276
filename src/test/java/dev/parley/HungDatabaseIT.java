package dev.parley;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.Health;
import dev.parley.testing.OwnServer;
import dev.parley.testing.PostgresSession;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database hangs (every PostgreSQL process stopped with SIGSTOP: its connections stay open and nothing answers),
 * the server running on: what needs no database goes on at once (new connections, joining a room in memory, typing,
 * whispers, presence), what needs it is answered within its timeouts (posts, history, an operator's ban, health), and a
 * SIGTERM stops the server in bounded time. Only with {@code -Ddb=postgres}, on a WildFly of the test's own with
 * short timeouts: the driver's socket timeout bounds a read from the hung database.
 */
class HungDatabaseIT {

    static final Duration STORE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(4);
    /** A wait on the database ends with the socket timeout; a loaded machine adds its delays. */
    static final Duration DATABASE_ANSWER = SOCKET_TIMEOUT.plusSeconds(6);
    /** Needs no database: a loaded machine's delays only. */
    static final Duration AT_ONCE = Duration.ofSeconds(3);

    static final Duration STOPPED_WITHIN = Duration.ofSeconds(40);
    static final String OPERATOR = "ops";
    static final String PASSWORD = "hung-database-ops";

    @RegisterExtension
    static final OwnServer server = OwnServer.with(
                    "hung",
                    "-Dparley.db.url=" + PostgresSession.url() + "?socketTimeout=" + SOCKET_TIMEOUT.toSeconds()
                            + "&connectTimeout=2&loginTimeout=2",
                    "-Dparley.store.timeout-ms=" + STORE_TIMEOUT.toMillis(),
                    "-Dparley.store.statement-timeout-ms=" + STORE_TIMEOUT.toMillis(),
                    "-Dparley.history.timeout-ms=" + STORE_TIMEOUT.toMillis(),
                    "-Dparley.health.interval-ms=200",
                    "-Dparley.health.timeout-ms=1000",
                    // a departure is shown after the grace, with or without a database
                    "-Dparley.presence.grace-ms=200",
                    "-Dparley.rooms.auto-create=true")
            .withUser(OPERATOR, PASSWORD, "chat-admin");

    @Test
    void aHungDatabaseHoldsUpOnlyWhatNeedsItAndTheServerStillStops() throws Exception {
        URL base = server.base();
        String room = ChatClient.unique("hung");
        ChatClient alice = ChatClient.open(base, ChatClient.unique("alice"));
        ChatClient bob = ChatClient.open(base, ChatClient.unique("bob"));
        alice.join(room);
        bob.join(room);
        alice.post(room, "stored before the database hung");
        AdminApi operator = AdminApi.basic(base, OPERATOR, PASSWORD);
        Health.await(base, "up");

        Duration stopping;
        try {
            PostgresSession.freezeDatabase();
            Health.await(base, "down");

            long posted = System.nanoTime();
            String ref = ChatClient.ref();
            alice.say(room, "posted while the database hangs", ref);
            JsonObject refusal = alice.await(
                    frame -> "error".equals(frame.getString("type")) && ref.equals(frame.getString("ref", null)),
                    "the refusal of the post");
            Duration postAnswered = since(posted);

            long paging = System.nanoTime();
            bob.command("history", "room", room, "before", 2);
            JsonObject historyRefusal = bob.await(
                    frame -> "error".equals(frame.getString("type")) && "history".equals(frame.getString("for", null)),
                    "the refusal of the history page");
            Duration historyAnswered = since(paging);

            long chatting = System.nanoTime();
            ChatClient carol = ChatClient.open(base, ChatClient.unique("carol"));
            JsonObject joined = carol.join(room);
            alice.await(frame -> "presence".equals(frame.getString("type")), "carol's arrival");
            bob.command("typing", "room", room);
            alice.await(frame -> "typing".equals(frame.getString("type")), "bob typing");
            bob.command("whisper", "to", alice.user(), "text", "still here?");
            alice.await(frame -> "whisper".equals(frame.getString("type")), "bob's whisper");
            carol.close();
            bob.await(
                    frame -> "presence".equals(frame.getString("type"))
                            && !frame.getJsonArray("left").isEmpty(),
                    "carol's departure");
            Duration chatAnswered = since(chatting);

            long banning = System.nanoTime();
            HttpResponse<String> ban = operator.post("bans", ChatClient.json("address", "192.0.2.7", "seconds", 60));
            Duration banAnswered = since(banning);

            System.out.printf(
                    "HungDatabaseIT: post refused (%s) after %d ms; history refused (%s) after %d ms; join, typing,"
                            + " whisper and presence in %d ms; ban answered %d after %d ms%n",
                    refusal.getString("code"),
                    postAnswered.toMillis(),
                    historyRefusal.getString("code"),
                    historyAnswered.toMillis(),
                    chatAnswered.toMillis(),
                    ban.statusCode(),
                    banAnswered.toMillis());
            List<String> recent = joined.getJsonArray("history").getValuesAs(JsonObject.class).stream()
                    .map(message -> message.getString("text"))
                    .toList();
            assertAll(
                    () -> assertEquals("internal", refusal.getString("code"), refusal::toString),
                    () -> assertShorter(postAnswered, STORE_TIMEOUT.plus(AT_ONCE), "the post's refusal"),
                    () -> assertEquals("internal", historyRefusal.getString("code"), historyRefusal::toString),
                    () -> assertShorter(historyAnswered, STORE_TIMEOUT.plus(AT_ONCE), "the history's refusal"),
                    () -> assertEquals(List.of("stored before the database hung"), recent, "the room's recent"),
                    () -> assertShorter(chatAnswered, AT_ONCE.multipliedBy(2), "chat without the database"),
                    () -> assertTrue(ban.statusCode() >= 500, "a ban that could not be stored: " + ban.body()),
                    () -> assertShorter(banAnswered, DATABASE_ANSWER, "the ban's answer"));

            long stopped = System.nanoTime();
            server.process().stop();
            stopping = since(stopped);
        } finally {
            // whatever happened: the tests after this one use the same database
            PostgresSession.thawDatabase();
        }
        alice.close();
        bob.close();
        System.out.printf("HungDatabaseIT: SIGTERM stopped the server in %d ms%n", stopping.toMillis());
        assertShorter(stopping, STOPPED_WITHIN, "stopping at SIGTERM");
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    private static void assertShorter(Duration took, Duration limit, String what) {
        assertTrue(took.compareTo(limit) <= 0, what + " took " + took.toMillis() + " ms, more than " + limit);
    }
}
