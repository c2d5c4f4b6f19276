package dev.parley;

import static dev.parley.testing.ChatClient.chatUri;
import static dev.parley.testing.ChatClient.json;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.FormLogin;
import dev.parley.testing.Health;
import dev.parley.testing.Poll;
import dev.parley.testing.PostgresSession;
import dev.parley.testing.RedisProcess;
import dev.parley.testing.ServerProcess;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two WildFly nodes and an Open Liberty node in cluster mode on a new database of the test PostgreSQL
 * ({@code -Ddb=postgres}), with a Redis the test starts. The three start at once on the empty database, as a cluster's
 * nodes do after an upgrade: each creates the schema and the room {@code general}, and each must come up. Writers on
 * every node, and every client on any node sees each message of its room once, in seq order, equal to the room's
 * history; Redis killed and restarted mid-stream, or a node killed mid-stream, loses and doubles nothing. An
 * operator's action on one node reaches the users of another, through the bus or, while Redis is down, the database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    /** The password of the logged-in users of every node's realm. */
    static final String PASSWORD = "cluster-Users-1";

    static RedisProcess redis;
    static ServerProcess one;
    static ServerProcess two;
    /** The node of the other kind: the same WAR on Open Liberty. */
    static ServerProcess liberty;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisProcess.started();
        String database = PostgresSession.createDatabase("cluster_" + System.currentTimeMillis());
        one = ServerProcess.prepare("cluster-one", 100, settings());
        two = ServerProcess.prepare("cluster-two", 150, settings());
        liberty = ServerProcess.prepareLiberty("cluster-liberty", 200, settings());
        ExecutorService starting = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (ServerProcess node : nodes()) {
                node.useDatabase(database);
                for (String user : List.of("ada", "bea")) {
                    node.addApplicationUser(user, PASSWORD);
                }
                started.add(starting.submit(node::start));
            }
            for (Future<?> node : started) {
                node.get(); // ServerProcess.start gives up after its own timeout, with the server's log
            }
        } finally {
            starting.shutdownNow();
        }
    }

    static List<ServerProcess> nodes() {
        return List.of(one, two, liberty);
    }

    @AfterAll
    static void stopCluster() {
        for (AutoCloseable running : new AutoCloseable[] {one, two, liberty, redis}) {
            try {
                if (running != null) {
                    running.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String[] settings() {
        return new String[] {
            "-Dparley.cluster.redis-url=redis://127.0.0.1:" + redis.port(),
            // both nodes' clients come from 127.0.0.1 and post fast
            "-Dparley.connections.per-address=100000",
            "-Dparley.handshakes.per-address-per-second=100000",
            "-Dparley.handshakes.per-address-burst=100000",
            "-Dparley.rate.say-per-second=1000",
            "-Dparley.rate.say-burst=1000",
            "-Dparley.rate.say-per-address-per-second=100000",
            "-Dparley.rate.say-per-address-burst=100000",
            "-Dparley.handshakes.strike-cooldown-s=0",
            "-Dparley.joins.chars-per-address-per-second=2000000000",
            "-Dparley.joins.chars-per-address-burst=2000000000",
            "-Dparley.history.chars-per-address-per-second=2000000000",
            "-Dparley.history.chars-per-address-burst=2000000000",
            // a ban made while Redis is down reaches the other node by this periodic read
            "-Dparley.cluster.restrictions-interval-ms=1000",
            // the killed node's users leave the others' rooms this soon after its death
            "-Dparley.cluster.lease-ms=3000"
        };
    }

    @Test
    void writersOnEveryNodeAreSeenByEveryClientOnceAndInSeqOrder() throws Exception {
        String room = unique("all");
        try (Stream stream = new Stream(room)) {
            stream.post(0, 40);

            stream.everyReaderSawAll();
        }
    }

    @Test
    void redisKilledMidStreamAndRestartedLosesAndDoublesNothing() throws Exception {
        String room = unique("redis");
        try (Stream stream = new Stream(room)) {
            stream.post(0, 10);
            redis.kill();
            nodes().forEach(node -> Health.awaitCluster(base(node), "degraded"));
            stream.post(10, 10); // across the nodes through the database only
            redis.start();
            nodes().forEach(node -> Health.awaitCluster(base(node), "up"));
            stream.post(20, 10);

            stream.everyReaderSawAll();
            // the restarted Redis was empty: each node said again who is in the room on it
            awaitMembers(one, room, stream.users());
            awaitMembers(two, room, stream.users());
        }
    }

    /** A member on node one sees who comes and goes on the others, and the nodes list them all. */
    @Test
    void presenceCrossesNodes() {
        String room = unique("presence");
        try (ChatClient alice = ChatClient.open(base(one), unique("alice"));
                ChatClient bob = ChatClient.open(base(two), unique("bob"));
                ChatClient carol = ChatClient.open(base(liberty), unique("carol"))) {
            alice.join(room);
            bob.join(room);
            carol.join(room);
            alice.await(frame -> isPresence(frame, "joined", bob.user()), "bob joining on node two");
            alice.await(frame -> isPresence(frame, "joined", carol.user()), "carol joining on Liberty");
            List<String> all = List.of(alice.user(), bob.user(), carol.user());
            awaitMembers(one, room, all);
            awaitMembers(two, room, all);

            bob.leave(room);
            alice.await(frame -> isPresence(frame, "left", bob.user()), "bob leaving on node two");
            carol.await(frame -> isPresence(frame, "left", bob.user()), "bob leaving, seen on Liberty");
        }
    }

    /**
     * A whisper and typing reach a user on another node, of either kind; a whisper to a user online nowhere is user_unknown. Node
     * one knows bob is online once his presence came: Redis sent the news of his connection before that of his join.
     */
    @Test
    void aWhisperAndTypingCrossNodes() {
        String room = unique("whisper");
        try (ChatClient alice = ChatClient.open(base(one), unique("alice"));
                ChatClient bob = ChatClient.open(base(two), unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.await(frame -> isPresence(frame, "joined", bob.user()), "bob joining on node two");

            alice.command("typing", "room", room);
            assertEquals(alice.user(), bob.await("typing").getString("user"));
            String ref = ChatClient.ref();
            alice.command("whisper", "to", bob.user(), "text", "psst", "ref", ref);
            JsonObject got = bob.await("whisper");
            assertEquals(alice.user(), got.getString("from"));
            assertEquals("psst", got.getString("text"));
            assertEquals(ref, alice.await("whisper").getString("ref"));
            alice.command("whisper", "to", unique("nobody"), "text", "hello?");
            alice.awaitError("user_unknown");

            try (ChatClient carol = ChatClient.open(base(liberty), unique("carol"))) {
                carol.join(room);
                alice.await(frame -> isPresence(frame, "joined", carol.user()), "carol joining on Liberty");
                carol.command("typing", "room", room);
                assertEquals(carol.user(), alice.await("typing").getString("user"));
                carol.command("whisper", "to", alice.user(), "text", "from Liberty");
                assertEquals("from Liberty", whisperFrom(alice, carol).getString("text"));
                bob.command("whisper", "to", carol.user(), "text", "to Liberty");
                assertEquals("to Liberty", whisperFrom(carol, bob).getString("text"));
            }
        }
    }

    /**
     * Private rooms and direct conversations cross nodes of both kinds: a direct conversation opened on node one
     * reaches its other user on Liberty as {@code invited}, who joins it there (read from PostgreSQL); a mention and an
     * invitation into a private room cross too; a message written while that user is away waits for them, found in
     * {@code kept} on a third node.
     */
    @Test
    void conversationsTheirInvitationsAndMentionsCrossNodes() throws Exception {
        String direct;
        try (ChatClient ada = device(one, "ada");
                ChatClient bea = device(liberty, "bea")) {
            ada.await("kept");
            bea.await("kept");
            ada.command("direct", "to", "bea");
            direct = ada.await(
                            frame -> "joined".equals(frame.getString("type", null))
                                    && "bea".equals(frame.getString("with", null)),
                            "joined the conversation with bea")
                    .getString("room");
            JsonObject opened = bea.await("invited");
            assertEquals(direct, opened.getString("room"));
            assertEquals("ada", opened.getString("with"));
            bea.join(direct);
            ada.post(direct, "hello @bea");
            assertEquals("hello @bea", bea.await("message").getString("text"));
            assertEquals(direct, bea.await("mention").getString("room"));

            String title = unique("plans");
            ada.command("create", "title", title);
            String plans = ada.await(
                            frame -> "joined".equals(frame.getString("type", null))
                                    && title.equals(frame.getString("title", null)),
                            "joined " + title)
                    .getString("room");
            ada.command("invite", "room", plans, "user", "bea");
            assertEquals(plans, bea.await("invited").getString("room"));
            bea.join(plans);
            bea.post(plans, "from Liberty");
            assertEquals("from Liberty", ada.await("message").getString("text"));
        }
        try (ChatClient ada = device(one, "ada")) {
            ada.post(direct, "while you were away"); // runs after the joins of ada's kept rooms
        }
        try (ChatClient bea = device(two, "bea")) {
            JsonObject waiting = bea.await("kept").getJsonArray("rooms").getValuesAs(JsonObject.class).stream()
                    .filter(kept -> direct.equals(kept.getString("room")))
                    .findFirst()
                    .orElseThrow();
            assertEquals(2, waiting.getJsonNumber("unread").longValue(), waiting::toString);
            assertEquals("ada", waiting.getString("with"));
        }
    }

    /** A logged-in device of the user on the node: a FORM login there, and a connection that keeps rooms. */
    private static ChatClient device(ServerProcess node, String user) throws Exception {
        FormLogin login = FormLogin.as(node.httpUri(), user, PASSWORD);
        if (!login.succeeded) {
            fail(user + " could not log in on " + node.httpUri());
        }
        return ChatClient.welcomed(
                ChatClient.connect(chatUri(base(node), "membership=1"), Map.of("Cookie", login.cookies())));
    }

    /**
     * A guest's name is its own on both nodes: asked for on the other node it is refused (4003), unless with the
     * guest's resume token, which takes it over there and replaces the first connection (4011).
     */
    @Test
    void aGuestsNameIsItsOwnOnBothNodesAndItsTokenResumesItOnTheOther() {
        String room = unique("names");
        String name = unique("alice");
        try (ChatClient alice = ChatClient.open(base(one), name);
                ChatClient bob = ChatClient.open(base(two), unique("bob"))) {
            bob.join(room);
            alice.join(room);
            // node two heard that alice is online before it heard of her join
            bob.await(frame -> isPresence(frame, "joined", name), "alice joining on node one");

            try (ChatClient impostor = ChatClient.connect(chatUri(base(two), "name=" + name))) {
                impostor.awaitError("name_taken");
                assertEquals(4003, impostor.awaitClose());
            }
            try (ChatClient again =
                    ChatClient.resume(base(two), name, alice.welcome().getString("resume"))) {
                assertEquals(name, again.user());
                assertEquals(4011, alice.awaitClose());
            }
        }
    }

    /** The next whisper {@code to} is sent by {@code from} (its own echoes passed over). */
    static JsonObject whisperFrom(ChatClient to, ChatClient from) {
        return to.await(
                frame -> "whisper".equals(frame.getString("type", null))
                        && from.user().equals(frame.getString("from", null)),
                "a whisper from " + from.user());
    }

    static boolean isPresence(JsonObject frame, String field, String user) {
        return "presence".equals(frame.getString("type", null))
                && ChatClient.strings(frame, field).contains(user);
    }

    /** The room's members as the node's admin API lists them become exactly these (in any order). */
    static void awaitMembers(ServerProcess node, String room, List<String> users) {
        AdminApi admin = AdminApi.admin(base(node));
        List<String> expected = users.stream().sorted().toList();
        Poll.until(
                ChatClient.TIMEOUT.multipliedBy(2),
                () ->
                        admin
                                .array(admin.get("rooms/" + room + "/members"))
                                .getValuesAs(jakarta.json.JsonString.class)
                                .stream()
                                .map(jakarta.json.JsonString::getString)
                                .sorted()
                                .toList(),
                expected::equals,
                seen -> node + " lists " + seen + ", not " + expected);
    }

    /** An operator on node one bans a guest connected to node two: it is expelled there, and refused there after. */
    @Test
    void aBanOnOneNodeExpelsTheUserOnTheOther() {
        String name = unique("mallory");
        try (ChatClient mallory = ChatClient.open(base(two), name)) {
            AdminApi admin = AdminApi.admin(base(one));
            admin.ok(admin.post("bans", json("user", name, "seconds", 0, "reason", "spam")));

            assertEquals("you are banned: spam", mallory.awaitError("banned").getString("message"));
            assertEquals(4004, mallory.awaitClose());
        }
        assertRefusedAsBanned(two, name);
    }

    /** A kick, a mute and a closed room, each done by an operator on node one, for members connected to node two. */
    @Test
    void aKickAMuteAndAClosedRoomOnOneNodeReachMembersOnTheOther() {
        String room = unique("moderated");
        AdminApi admin = AdminApi.admin(base(one));
        try (ChatClient bob = ChatClient.open(base(two), unique("bob"));
                ChatClient carol = ChatClient.open(base(two), unique("carol"))) {
            bob.join(room);
            carol.join(room);
            awaitRoom(admin, room);

            admin.ok(admin.post("rooms/" + room + "/kick", json("user", carol.user(), "reason", "be nice")));
            JsonObject left = carol.await("left");
            assertEquals("kicked", left.getString("reason"));
            assertEquals("be nice", left.getString("text"));

            admin.ok(admin.post("rooms/" + room + "/mutes", json("user", bob.user(), "seconds", 0)));
            // node two takes the mute when the news comes: until then a say may still be stored
            Poll.until(
                    ChatClient.TIMEOUT,
                    () -> {
                        String ref = ChatClient.ref();
                        bob.say(room, "can you hear me?", ref);
                        return bob.await(frame -> ref.equals(frame.getString("ref", null)), "the answer to " + ref);
                    },
                    answer -> "muted".equals(answer.getString("code", null)),
                    answer -> "bob's say was still answered " + answer);

            admin.ok(admin.post("rooms/" + room + "/close", json("reason", "maintenance")));
            JsonObject closed = bob.await("left");
            assertEquals("room_closed", closed.getString("reason"));
            assertEquals("maintenance", closed.getString("text"));
        }
    }

    /**
     * While Redis is down a kick, which reaches other nodes only through it, is refused with 503, and so is a guest new
     * to the node (internal, 1011); a ban is stored and reaches node two from the database (its periodic read of the
     * restrictions).
     */
    @Test
    void whileRedisIsDownAKickIsRefusedAndABanComesThroughTheDatabase() {
        String room = unique("down");
        String name = unique("mallory");
        AdminApi admin = AdminApi.admin(base(one));
        try (ChatClient mallory = ChatClient.open(base(two), name)) {
            mallory.join(room);
            awaitRoom(admin, room);
            redis.kill();
            Health.awaitCluster(base(one), "degraded");

            assertEquals(
                    503,
                    admin.post("rooms/" + room + "/kick", json("user", name)).statusCode(),
                    "a kick while the bus is down");
            try (ChatClient newcomer = ChatClient.connect(chatUri(base(one), "name=" + unique("new")))) {
                newcomer.awaitError("internal");
                assertEquals(1011, newcomer.awaitClose(), "a guest name cannot be checked on the other nodes");
            }
            admin.ok(admin.post("bans", json("user", name, "seconds", 0, "reason", "while down")));

            mallory.awaitError("banned");
            assertEquals(4004, mallory.awaitClose());
        } finally {
            redis.start();
            nodes().forEach(node -> Health.awaitCluster(base(node), "up"));
        }
        assertRefusedAsBanned(two, name);
    }

    /** Node one learns of a room created on node two within its periodic comparison with the database. */
    private static void awaitRoom(AdminApi admin, String room) {
        Poll.until(
                ChatClient.TIMEOUT,
                () -> admin.array(admin.get("rooms")).stream()
                        .map(JsonValue::asJsonObject)
                        .anyMatch(one -> room.equals(one.getString("name"))),
                "node one lists the room " + room);
    }

    private static void assertRefusedAsBanned(ServerProcess node, String name) {
        try (ChatClient refused = ChatClient.connect(chatUri(base(node), "name=" + name))) {
            refused.awaitError("banned");
            assertEquals(4004, refused.awaitClose());
        }
    }

    /**
     * Node one is killed (SIGKILL) while its writers' posts are in flight: what it committed and did not publish comes
     * to node two from the database; its writers reconnect to node two and resend what has no echo (same ref). Every
     * post is stored once, each acknowledged one with the seq its echo carried, and node two's reader sees 1..n once,
     * in order. Last: node one stays down.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aNodeKilledMidStreamLosesNothingAcknowledgedAndItsClientsGoOnOnTheOther() throws Exception {
        String room = unique("killed");
        Map<String, String> sent = new LinkedHashMap<>();
        Map<String, Long> acknowledged = new LinkedHashMap<>();
        List<ChatClient> writers = new ArrayList<>();
        try (ChatClient reader = ChatClient.open(base(two), unique("r"))) {
            reader.join(room);
            for (int i = 0; i < 2; i++) {
                ChatClient writer = ChatClient.open(base(one), unique("w"));
                writer.join(room);
                writers.add(writer);
            }
            for (int n = 0; n < 60; n++) {
                for (ChatClient writer : writers) {
                    String ref = ChatClient.ref();
                    String text = writer.user() + " says " + n;
                    sent.put(ref, text);
                    writer.say(room, text, ref);
                }
            }
            ChatClient first = writers.get(0);
            while (acknowledged.size() < 20) {
                acknowledge(first.next(), room, sent, acknowledged);
            }
            one.kill();
            for (ChatClient writer : writers) {
                writer.awaitEnd();
                for (JsonObject frame : writer.drain()) {
                    acknowledge(frame, room, sent, acknowledged);
                }
            }
            Map<String, Long> before = Map.copyOf(acknowledged);
            for (ChatClient writer : writers) {
                resendOn(two, writer, room, sent, acknowledged);
            }
            before.forEach((ref, seq) -> assertEquals(seq, acknowledged.get(ref), "the echo's seq, again"));

            int total = sent.size();
            List<JsonObject> seen = messagesUpTo(reader, total);
            assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), ChatClient.seqs(seen));
            List<JsonObject> history = reader.wholeHistory(room);
            assertEquals(Stream.texts(seen), Stream.texts(history));
            acknowledged.forEach((ref, seq) -> assertEquals(
                    sent.get(ref),
                    history.get((int) (seq - 1)).getString("text"),
                    "the message acknowledged as " + seq));
            // the dead node's lease lapsed: node two let go of its users (their reconnections there have closed)
            awaitMembers(two, room, List.of(reader.user()));
        } finally {
            writers.forEach(ChatClient::close);
        }
    }

    /**
     * A client of the killed node reconnects to another under its name, resuming with its token (the dead node's
     * users are still online there until its lease lapses), and resends every post without an echo.
     */
    private static void resendOn(
            ServerProcess node,
            ChatClient before,
            String room,
            Map<String, String> sent,
            Map<String, Long> acknowledged) {
        String user = before.user();
        Map<String, String> unanswered = new LinkedHashMap<>();
        sent.forEach((ref, text) -> {
            if (!acknowledged.containsKey(ref) && text.startsWith(user + " says ")) {
                unanswered.put(ref, text);
            }
        });
        try (ChatClient again =
                ChatClient.resume(base(node), user, before.welcome().getString("resume"))) {
            again.join(room);
            unanswered.forEach((ref, text) -> again.say(room, text, ref));
            Map<String, Long> answered = new HashMap<>();
            while (answered.size() < unanswered.size()) {
                acknowledge(again.next(), room, sent, answered);
            }
            acknowledged.putAll(answered);
        }
    }

    /** Echoes (own copies with a ref) acknowledge; a say refused while the node dies may be internal, nothing else. */
    private static void acknowledge(JsonObject frame, String room, Map<String, String> sent, Map<String, Long> acked) {
        String type = frame.getString("type", null);
        String ref = frame.getString("ref", null);
        if ("message".equals(type) && ref != null && room.equals(frame.getString("room", null))) {
            assertEquals(sent.get(ref), frame.getString("text"), frame::toString);
            if (acked.put(ref, frame.getJsonNumber("seq").longValue()) != null) {
                fail("acknowledged twice: " + frame);
            }
        } else if ("error".equals(type) && !"internal".equals(frame.getString("code", null))) {
            fail("the server refused a command: " + frame);
        }
    }

    /** The messages a client is sent up to and including seq {@code last} (other events left out). */
    static List<JsonObject> messagesUpTo(ChatClient client, long last) {
        return client
                .until(
                        frame -> "message".equals(frame.getString("type"))
                                && frame.getJsonNumber("seq").longValue() == last,
                        "message " + last)
                .stream()
                .filter(frame -> "message".equals(frame.getString("type")))
                .toList();
    }

    static URL base(ServerProcess node) {
        try {
            return node.httpUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Two writers and a reader on each node, in one room. */
    static final class Stream implements AutoCloseable {

        final String room;
        final List<ChatClient> writers = new ArrayList<>();
        final List<ChatClient> readers = new ArrayList<>();
        final ExecutorService threads = Executors.newFixedThreadPool(6);
        int posted;

        Stream(String room) {
            this.room = room;
            for (ServerProcess node : nodes()) {
                for (int i = 0; i < 2; i++) {
                    ChatClient writer = ChatClient.open(base(node), unique("w"));
                    writer.join(room);
                    writers.add(writer);
                }
                ChatClient reader = ChatClient.open(base(node), unique("r"));
                reader.join(room);
                readers.add(reader);
            }
        }

        /** Each writer posts {@code each} messages at once with the others, and waits for its own copies. */
        void post(int from, int each) throws Exception {
            List<Future<?>> done = new ArrayList<>();
            for (ChatClient writer : writers) {
                done.add(threads.submit(() -> {
                    List<String> refs = new ArrayList<>();
                    for (int i = from; i < from + each; i++) {
                        String ref = ChatClient.ref();
                        refs.add(ref);
                        writer.say(room, writer.user() + " #" + i, ref);
                    }
                    refs.forEach(writer::awaitOwn);
                    return null;
                }));
            }
            for (Future<?> one : done) {
                one.get(ChatClient.TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
            posted += each * writers.size();
        }

        /** Every reader saw seqs 1..n once, in order, with the texts of the room's history, and nothing after. */
        void everyReaderSawAll() {
            List<Long> all = LongStream.rangeClosed(1, posted).boxed().toList();
            List<List<JsonObject>> seenByReader = new ArrayList<>();
            for (ChatClient reader : readers) {
                List<JsonObject> seen = messagesUpTo(reader, posted);
                assertEquals(all, ChatClient.seqs(seen), reader + " saw");
                assertEquals(
                        List.of(),
                        reader.sync().stream()
                                .filter(frame -> "message".equals(frame.getString("type")))
                                .toList(),
                        reader + " got messages again");
                seenByReader.add(seen);
            }
            List<JsonObject> history = readers.get(0).wholeHistory(room);
            assertEquals(all, ChatClient.seqs(history), "the room's history");
            for (List<JsonObject> seen : seenByReader) {
                assertEquals(texts(history), texts(seen), "a reader saw other texts than the history has");
            }
        }

        List<String> users() {
            List<String> users = new ArrayList<>();
            writers.forEach(writer -> users.add(writer.user()));
            readers.forEach(reader -> users.add(reader.user()));
            return users;
        }

        static List<String> texts(List<JsonObject> messages) {
            return messages.stream().map(message -> message.getString("text")).toList();
        }

        @Override
        public void close() {
            threads.shutdownNow();
            writers.forEach(ChatClient::close);
            readers.forEach(ChatClient::close);
        }
    }
}
