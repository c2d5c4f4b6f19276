package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.ChatClient;
import dev.parley.testing.OwnServer;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A clean shutdown (SIGTERM) in the middle of a burst of posts: every client is told the server is going away with
 * 1001, and after a restart history holds every message whose echo reached its sender, exactly once, seqs 1..n; the
 * clients then reconnect and send what has no echo again with the same ref, and every post is stored exactly once.
 * Not an Arquillian test: it stops and restarts its own server.
 * <p>
 * What a client is promised at the stop is the profile's {@code parley.it.shutdown.close-codes}: 1001 on WildFly and
 * Payara; 1001 or 1006 on Open Liberty, whose {@code Session.close()} waits up to 8.5 s for the connection's pending
 * read before it sends the close frame, so that some connections are dropped by the server's stop before their
 * 1001 goes out (deploy.md, Known behaviour per server).
 */
class ShutdownIT {

    static final int CLIENTS = 5;
    static final int BURST = 150;
    static final int ACKS_BEFORE_STOP = 40;
    /** Longer than a stop may take: Open Liberty's quiesce waits up to 30 s for its close tasks. */
    static final Duration STOPPING = Duration.ofSeconds(60);

    static final List<Integer> PROMISED = Arrays.stream(
                    System.getProperty("parley.it.shutdown.close-codes", "1001").split(","))
            .map(code -> Integer.valueOf(code.trim()))
            .toList();

    @RegisterExtension
    static final OwnServer server = OwnServer.with(
            "shutdown",
            "-Dparley.rate.say-per-second=100000",
            "-Dparley.rate.say-burst=100000",
            "-Dparley.rate.commands-per-second=100000",
            "-Dparley.rate.commands-burst=100000",
            "-Dparley.rate.say-per-address-per-second=100000",
            "-Dparley.rate.say-per-address-burst=100000",
            "-Dparley.rate.commands-per-address-per-second=100000",
            "-Dparley.rate.commands-per-address-burst=100000",
            // a burst from several clients on a loaded machine can outrun the store: this test is about what happens
            // to accepted posts, so the store's back-pressure (rate_limited, internal after 5 s) is lifted too
            "-Dparley.store.max-pending=100000",
            "-Dparley.store.max-pending-per-room=100000",
            "-Dparley.store.timeout-ms=120000");

    @Test
    void sigtermTellsEveryClientAndLosesNothingAcknowledged() throws Exception {
        URL base = server.base();
        String room = ChatClient.unique("closing");
        Map<String, String> sent = new LinkedHashMap<>();
        Map<String, Long> acknowledged = new LinkedHashMap<>();
        List<ChatClient> clients = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                ChatClient client = ChatClient.open(base, ChatClient.unique("leaving"), STOPPING);
                client.join(room);
                clients.add(client);
            }
            for (int n = 0; n < BURST; n++) {
                for (ChatClient client : clients) {
                    String ref = ChatClient.ref();
                    String text = client.user() + " says " + n;
                    sent.put(ref, text);
                    client.say(room, text, ref);
                }
            }
            ChatClient first = clients.get(0);
            while (acknowledged.size() < ACKS_BEFORE_STOP) {
                acknowledge(first.next(), first.user(), room, sent, acknowledged);
            }
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server.process()::stop);
            for (ChatClient client : clients) {
                int code = client.awaitEnd();
                codes.add(code);
                for (JsonObject frame : client.drain()) {
                    acknowledge(frame, client.user(), room, sent, acknowledged);
                }
                assertTrue(
                        PROMISED.contains(code),
                        client.user() + " was closed with " + code + ", not " + PROMISED + " (1006: dropped)");
            }
            stopping.join();
        } finally {
            clients.forEach(ChatClient::close);
        }
        System.out.printf(
                "ShutdownIT: %d sent, %d acknowledged before the server stopped, clients closed with %s%n",
                sent.size(), acknowledged.size(), codes);

        server.process().start();
        resendUnacknowledged(base, room, sent, acknowledged);
        try (ChatClient reader = ChatClient.open(base, ChatClient.unique("reader"))) {
            reader.join(room);
            List<JsonObject> stored = reader.wholeHistory(room);
            List<Long> seqs =
                    stored.stream().map(m -> m.getJsonNumber("seq").longValue()).toList();
            assertEquals(LongStream.rangeClosed(1, seqs.size()).boxed().toList(), seqs, "seqs are not 1..n");
            Map<String, List<Long>> seqsByText = new HashMap<>();
            stored.forEach(m -> seqsByText
                    .computeIfAbsent(m.getString("text"), t -> new ArrayList<>())
                    .add(m.getJsonNumber("seq").longValue()));
            acknowledged.forEach((ref, seq) -> assertEquals(
                    List.of(seq), seqsByText.get(sent.get(ref)), "the acknowledged message " + sent.get(ref)));
            seqsByText.forEach((text, found) -> assertEquals(1, found.size(), text + " stored " + found));
            assertEquals(sent.size(), stored.size(), "every post is stored once the clients resent theirs");
        }
    }

    /**
     * What a client does after a 1001 (protocol.md): it reconnects, under its name, and sends every post it has no
     * echo for again with the same ref; each is answered with its message, stored now or before the stop (then with
     * the seq it got then).
     */
    private static void resendUnacknowledged(
            URL base, String room, Map<String, String> sent, Map<String, Long> acknowledged) {
        Map<String, Map<String, String>> unansweredByUser = new LinkedHashMap<>();
        sent.forEach((ref, text) -> {
            if (!acknowledged.containsKey(ref)) {
                String user = text.substring(0, text.indexOf(" says "));
                unansweredByUser
                        .computeIfAbsent(user, u -> new LinkedHashMap<>())
                        .put(ref, text);
            }
        });
        unansweredByUser.forEach((user, unanswered) -> {
            try (ChatClient again = ChatClient.open(base, user)) {
                again.join(room);
                unanswered.forEach((ref, text) -> again.say(room, text, ref));
                Map<String, Long> answered = new HashMap<>();
                while (answered.size() < unanswered.size()) {
                    acknowledge(again.next(), user, room, sent, answered);
                }
                acknowledged.putAll(answered);
            }
        });
    }

    /** Echoes (own copies with a ref) acknowledge; a say refused while stopping is allowed, any other error not. */
    private static void acknowledge(
            JsonObject frame, String user, String room, Map<String, String> sent, Map<String, Long> acknowledged) {
        String type = frame.getString("type", null);
        String ref = frame.getString("ref", null);
        if ("message".equals(type) && ref != null && room.equals(frame.getString("room", null))) {
            assertEquals(sent.get(ref), frame.getString("text"), frame::toString);
            assertEquals(user, frame.getString("from"));
            if (acknowledged.put(ref, frame.getJsonNumber("seq").longValue()) != null) {
                fail("acknowledged twice: " + frame);
            }
        } else if ("error".equals(type) && !"internal".equals(frame.getString("code", null))) {
            fail("the server refused a command: " + frame);
        }
    }
}
