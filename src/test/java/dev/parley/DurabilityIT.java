package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.parley.testing.ChatClient;
import dev.parley.testing.ServerProcess;

/**
 * A message is acknowledged (echoed to its sender with its seq) only after it is committed, so it must survive
 * {@code kill -9} of the server JVM: after a restart on the same data, history holds every acknowledged message
 * exactly once, numbered 1..n without gaps. Not an Arquillian test: it starts and kills its own server JVM, on the
 * server of the build's profile (WildFly, Payara Micro or Open Liberty).
 */
class DurabilityIT {

    static final int BEFORE_BURST = 200;
    static final int BURST = 300;
    static final int BURST_ACKS_BEFORE_KILL = 20;

    static ServerProcess server;

    @BeforeAll
    static void startServer() {
        server = ServerProcess.prepare("durability",
                "-Dparley.rate.say-per-second=100000", "-Dparley.rate.say-burst=100000",
                "-Dparley.rate.commands-per-second=100000", "-Dparley.rate.commands-burst=100000",
                "-Dparley.rooms.auto-create=true");
        server.start();
        String database = System.getProperty("parley.it.database", "H2");
        assertTrue(server.consoleOutput().contains("Parley database: java:app/jdbc/parley is " + database + " "),
                "the server's startup log does not name " + database + " as Parley's database");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesSigkillExactlyOnce() throws Exception {
        URL base = server.httpUri().toURL();
        String user = ChatClient.unique("durable");
        String room = ChatClient.unique("crash");
        Map<String, String> sent = new LinkedHashMap<>();
        Map<String, Long> acknowledged = new LinkedHashMap<>();

        try (ChatClient client = ChatClient.open(base, user)) {
            client.join(room);
            for (int i = 0; i < BEFORE_BURST; i++) {
                String ref = ChatClient.ref();
                String text = "before the crash " + i;
                sent.put(ref, text);
                client.say(room, text, ref);
            }
            while (acknowledged.size() < BEFORE_BURST) {
                acknowledge(client.next(), room, sent, acknowledged);
            }

            for (int i = 0; i < BURST; i++) {
                String ref = ChatClient.ref();
                String text = "in flight " + i;
                sent.put(ref, text);
                client.say(room, text, ref);
            }
            while (acknowledged.size() < BEFORE_BURST + BURST_ACKS_BEFORE_KILL) {
                acknowledge(client.next(), room, sent, acknowledged);
            }
            server.kill();
            client.awaitEnd();
            for (JsonObject frame : client.drain()) {
                acknowledge(frame, room, sent, acknowledged);
            }
        }
        System.out.printf("DurabilityIT: %d sent, %d acknowledged before SIGKILL%n", sent.size(), acknowledged.size());

        server.start();

        try (ChatClient client = ChatClient.open(base, user)) {
            client.join(room);
            List<JsonObject> stored = history(client, room);

            assertStoredExactlyOnce(stored, sent, acknowledged);

            // a client that lost its connection sends again what it has no echo for; refs make that safe
            Map<String, Long> resent = new LinkedHashMap<>();
            sent.forEach((ref, text) -> client.say(room, text, ref));
            while (resent.size() < sent.size()) {
                acknowledge(client.next(), room, sent, resent);
            }
            acknowledged.forEach((ref, seq) -> assertEquals(seq, resent.get(ref), "the seq of ref " + ref + " resent"));

            List<JsonObject> all = history(client, room);
            assertStoredExactlyOnce(all, sent, resent);
            assertEquals(sent.size(), all.size(), "every message sent, stored once");
        }
    }

    private static void assertStoredExactlyOnce(List<JsonObject> stored, Map<String, String> sent,
            Map<String, Long> acknowledged) {
        assertSeqsAreOneToN(stored);
        Map<String, List<Long>> seqsByRef = seqsByRef(stored);
        for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
            assertEquals(List.of(ack.getValue()), seqsByRef.get(ack.getKey()),
                    "the seqs stored for the acknowledged ref " + ack.getKey() + " (acknowledged with seq "
                            + ack.getValue() + ")");
        }
        for (JsonObject message : stored) {
            String ref = message.getString("ref", null);
            assertTrue(sent.containsKey(ref), "a stored message this test did not send: " + message);
            assertEquals(sent.get(ref), message.getString("text"), message::toString);
            assertEquals(1, seqsByRef.get(ref).size(), "ref " + ref + " stored more than once: " + seqsByRef.get(ref));
        }
    }

    private static void acknowledge(JsonObject frame, String room, Map<String, String> sent,
            Map<String, Long> acknowledged) {
        String type = frame.getString("type", null);
        if ("message".equals(type) && room.equals(frame.getString("room", null))) {
            String ref = frame.getString("ref", null);
            assertTrue(sent.containsKey(ref), "an echo for a ref this test did not send: " + frame);
            assertEquals(sent.get(ref), frame.getString("text"), frame::toString);
            Long earlier = acknowledged.put(ref, frame.getJsonNumber("seq").longValue());
            if (earlier != null) {
                fail("ref " + ref + " acknowledged twice: seq " + earlier + " and " + frame);
            }
        } else if ("error".equals(type)) {
            fail("the server refused a command: " + frame);
        }
    }

    /** The room's whole history, oldest first, paged with {@code after} from 0 following {@code more}. */
    private static List<JsonObject> history(ChatClient client, String room) {
        List<JsonObject> messages = new ArrayList<>();
        long after = 0;
        boolean more = true;
        for (int page = 0; more; page++) {
            assertTrue(page < 100, "history does not end: " + messages.size() + " messages so far");
            client.command("history", "room", room, "after", after, "limit", 200);
            JsonObject reply = client.await("history");
            assertEquals(room, reply.getString("room"), reply::toString);
            List<JsonObject> items = reply.getJsonArray("messages").getValuesAs(JsonObject.class);
            messages.addAll(items);
            more = reply.getBoolean("more");
            if (more) {
                assertTrue(!items.isEmpty(), "an empty page that says more: " + reply);
                after = items.get(items.size() - 1).getJsonNumber("seq").longValue();
            }
        }
        return messages;
    }

    private static void assertSeqsAreOneToN(List<JsonObject> stored) {
        List<Long> seqs = stored.stream().map(m -> m.getJsonNumber("seq").longValue()).toList();
        List<Long> oneToN = LongStream.rangeClosed(1, seqs.size()).boxed().toList();
        assertEquals(oneToN, seqs, "the stored seqs are not 1.." + seqs.size() + " in order");
    }

    private static Map<String, List<Long>> seqsByRef(List<JsonObject> stored) {
        Map<String, List<Long>> seqs = new HashMap<>();
        for (JsonObject message : stored) {
            seqs.computeIfAbsent(message.getString("ref", null), ref -> new ArrayList<>())
                    .add(message.getJsonNumber("seq").longValue());
        }
        return seqs;
    }
}
