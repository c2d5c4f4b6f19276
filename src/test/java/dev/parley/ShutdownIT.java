package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.ChatClient;
import dev.parley.testing.OwnServer;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A clean shutdown (SIGTERM) in the middle of a burst of posts: every client is closed with 1001 (not dropped),
 * and after a restart history holds every message whose echo reached its sender, exactly once, seqs 1..n.
 * Not an Arquillian test: it stops and restarts its own server. Not on Open Liberty (the liberty profile excludes it):
 * there one client saw 1006 instead of 1001 in a CI run (README, Known issues), not yet understood.
 */
class ShutdownIT {

    static final int CLIENTS = 5;
    static final int BURST = 150;
    static final int ACKS_BEFORE_STOP = 40;

    @RegisterExtension
    static final OwnServer server = OwnServer.with(
            "shutdown",
            "-Dparley.rate.say-per-second=100000",
            "-Dparley.rate.say-burst=100000",
            "-Dparley.rate.commands-per-second=100000",
            "-Dparley.rate.commands-burst=100000",
            // a burst from several clients on a loaded machine can outrun the store: this test is about what happens
            // to accepted posts, so the store's back-pressure (rate_limited, internal after 5 s) is lifted too
            "-Dparley.store.max-pending=100000",
            "-Dparley.store.max-pending-per-room=100000",
            "-Dparley.store.timeout-ms=120000");

    @Test
    void sigtermClosesEveryClientWith1001AndLosesNothingAcknowledged() throws Exception {
        URL base = server.base();
        String room = ChatClient.unique("closing");
        Map<String, String> sent = new LinkedHashMap<>();
        Map<String, Long> acknowledged = new LinkedHashMap<>();
        List<ChatClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                ChatClient client = ChatClient.open(base, ChatClient.unique("leaving"));
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
                for (JsonObject frame : client.drain()) {
                    acknowledge(frame, client.user(), room, sent, acknowledged);
                }
                assertEquals(1001, code, client.user() + " was not closed with 1001 (1006: dropped)");
            }
            stopping.join();
        } finally {
            clients.forEach(ChatClient::close);
        }
        System.out.printf(
                "ShutdownIT: %d sent, %d acknowledged before the server stopped%n", sent.size(), acknowledged.size());

        server.process().start();
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
        }
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
