package dev.parley;

import static dev.parley.ProtocolIT.assertError;
import static dev.parley.testing.ChatClient.encode;
import static dev.parley.testing.ChatClient.strings;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.testing.ChatClient;
import dev.parley.testing.Http;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import dev.parley.testing.TcpProxy;
import jakarta.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connection limits and liveness through real handshakes, on a server of its own with small limits (they would
 * disturb the other test classes on the shared server, whose clients all come from 127.0.0.1).
 * <p>
 * Clients get addresses of their own through a trusted proxy: a {@link TcpProxy} that connects from 127.0.0.2,
 * the one address in {@code parley.trusted-proxies}, while the client sends {@code X-Forwarded-For}. A client
 * connecting straight from 127.0.0.1 is not behind a trusted proxy, so its {@code X-Forwarded-For} is ignored.
 */
class ConnectionsIT {

    static final int MAX = 10;
    static final int PER_ADDRESS = 3;
    static final int HANDSHAKE_BURST = 8;
    /** Long enough that a client answering pings on a busy machine is never taken for dead. */
    static final int PING_INTERVAL_MS = 1000;

    static final int PING_TIMEOUT_MS = 2000;
    static final int GRACE_MS = 2000;
    /** The commands one address may send at once on all its connections; each connection alone may send 60. */
    static final int ADDRESS_COMMAND_BURST = 12;
    /** Refusals for rate within a minute that close a connection: far fewer than the test's flood. */
    static final int STRIKES = 8;

    static final String PINNED_ORIGIN = "https://chat.example.org";
    static final SecureRandom RANDOM = new SecureRandom();

    @RegisterExtension
    static final OwnServer server = OwnServer.with(
            "connections",
            "-Dparley.connections.max=" + MAX,
            "-Dparley.connections.per-address=" + PER_ADDRESS,
            "-Dparley.handshakes.per-address-per-second=1",
            "-Dparley.handshakes.per-address-burst=" + HANDSHAKE_BURST,
            "-Dparley.trusted-proxies=127.0.0.2",
            "-Dparley.ping.interval-ms=" + PING_INTERVAL_MS,
            "-Dparley.ping.timeout-ms=" + PING_TIMEOUT_MS,
            "-Dparley.presence.grace-ms=" + GRACE_MS,
            "-Dparley.rate.commands-per-address-per-second=1",
            "-Dparley.rate.commands-per-address-burst=" + ADDRESS_COMMAND_BURST,
            "-Dparley.rate.strikes-before-close=" + STRIKES,
            "-Dparley.rate.strike-window-s=60",
            "-Dparley.handshakes.strike-cooldown-s=600",
            "-Dparley.allowed-origins=" + PINNED_ORIGIN);

    static TcpProxy trustedProxy;

    @BeforeAll
    static void startProxy() throws Exception {
        trustedProxy = TcpProxy.start("127.0.0.1", server.base().getPort(), InetAddress.getByName("127.0.0.2"));
    }

    @AfterAll
    static void stopProxy() {
        if (trustedProxy != null) {
            trustedProxy.close();
        }
    }

    @Test
    void oneAddressGetsAtMostItsLimitOfConnectionsAndItsNeighboursAreUnaffected() {
        String crowded = address();
        List<ChatClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                held.add(admitted(crowded));
            }
            assertRefused(crowded);
            for (ChatClient client : held) {
                assertTrue(client.sync().isEmpty(), "a connection of the full address was disturbed");
                assertFalse(client.isClosed());
            }
            try (ChatClient neighbour = admitted(address())) {
                assertEquals("welcome", neighbour.welcome().getString("type"));
            }
            held.remove(0).close();
            held.add(admittedOnceReleased(crowded));

            String log = server.process().consoleOutput();
            assertTrue(
                    Pattern.compile("refuse id=\\S+ user=\\S+ address=" + Pattern.quote(crowded)
                                    + " reason=limit_exceeded code=4009")
                            .matcher(log)
                            .find(),
                    "no refusal line for " + crowded);
            assertTrue(
                    Pattern.compile("connect id=\\S+ user=\\S+ auth=guest address=" + Pattern.quote(crowded))
                            .matcher(log)
                            .find(),
                    "no connect line for " + crowded);
            assertTrue(
                    Pattern.compile("disconnect id=\\S+ user=\\S+ address=" + Pattern.quote(crowded) + " code=1000")
                            .matcher(log)
                            .find(),
                    "no disconnect line for " + crowded);
        } finally {
            held.forEach(ChatClient::close);
        }
    }

    /** Refused handshakes and guests replaced by their resume give their slots back: the address fills up again. */
    @Test
    void refusalsAndTakeoversReleaseTheirSlots() {
        String address = address();
        List<ChatClient> held = new ArrayList<>();
        try (ChatClient holder = admitted(address(), unique("holder"))) {
            try (ChatClient invalid = connect(address, encode("bad name!"))) {
                assertError(invalid.next(), "name_invalid", null);
                assertEquals(4002, invalid.awaitClose());
            }
            try (ChatClient taken = connect(address, holder.user())) {
                assertError(taken.next(), "name_taken", null);
                assertEquals(4003, taken.awaitClose());
            }
            ChatClient first = admitted(address, unique("alice"));
            held.add(first);
            ChatClient second = welcomed(connect(
                    address, first.user() + "&resume=" + encode(first.welcome().getString("resume"))));
            held.add(second);
            assertEquals(4011, first.awaitClose());
            held.add(admittedOnceReleased(address));
            held.add(admittedOnceReleased(address));
            assertRefused(address);
        } finally {
            held.forEach(ChatClient::close);
        }
    }

    @Test
    void oneAddressOpensAtMostItsBurstOfConnectionsAtOnce() {
        String hasty = address();
        int admitted = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int i = 0; i < HANDSHAKE_BURST + 12; i++) {
            try (ChatClient client = connect(hasty, unique("hasty"))) {
                JsonObject first = client.next();
                if ("welcome".equals(first.getString("type"))) {
                    admitted++;
                } else {
                    assertError(first, "limit_exceeded", null);
                    assertEquals(4009, client.awaitClose());
                    refused++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(refused > 0, "no handshake refused after " + admitted + " in " + seconds + " s");
        assertTrue(
                admitted <= HANDSHAKE_BURST + Math.ceil(seconds) + 1,
                admitted + " handshakes admitted in " + seconds + " s at 1 a second, bursts of " + HANDSHAKE_BURST);
        try (ChatClient other = admitted(address())) {
            assertEquals("welcome", other.welcome().getString("type"), "another address is not slowed down");
        }
    }

    /** Connections of other tests may still be closing: new addresses are tried until the total is reached. */
    /**
     * Three connections of one address send joins in turn: together they get the address's burst and then
     * {@code rate_limited}, though each has sent far fewer than its own limit; another address is not slowed.
     */
    @Test
    void theConnectionsOfOneAddressShareItsCommandRate() {
        String crowded = address();
        String room = unique("shared");
        List<ChatClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                held.add(admitted(crowded));
            }
            int joined = 0;
            JsonObject refusal = null;
            for (int sent = 0; refusal == null && sent < 3 * ADDRESS_COMMAND_BURST; sent++) {
                ChatClient client = held.get(sent % held.size());
                client.command("join", "room", room);
                JsonObject reply = client.await(
                        frame -> List.of("joined", "error").contains(frame.getString("type")), "join's reply");
                if ("joined".equals(reply.getString("type"))) {
                    joined++;
                } else {
                    refusal = reply;
                }
            }
            assertTrue(refusal != null, "the address sent " + joined + " joins and none was refused");
            assertError(refusal, "rate_limited", "join");
            assertTrue(joined >= ADDRESS_COMMAND_BURST, "refused within the address's burst: " + joined);
            try (ChatClient neighbour = admitted(address())) {
                assertEquals(room, neighbour.join(room).getString("room"));
            }
        } finally {
            held.forEach(ChatClient::close);
        }
    }

    /**
     * A client that floods over its address's command rate (well within its connection's own burst) is answered
     * {@code rate_limited} up to the limit of strikes, then closed with 4029, and the rest of its flood gets no
     * answer; its neighbour from another address, in the same room, chats on. The flood is written in one go on a
     * plain socket, as a flooding client would, so the server still meets most of it after it decided to close.
     * The flooder cannot come straight back: its address opens no new connection for the cool-down, though it has
     * used one handshake of its burst, while other addresses do.
     */
    @Test
    void aClientFloodingOverItsAddresssRateIsClosedWith4029AndItsNeighbourChatsOn() throws Exception {
        String room = unique("flooded");
        String flooderName = unique("flooder");
        String flooderAddress = address();
        try (ChatClient neighbour = admitted(address(), unique("calm"));
                SilentClient flooder = SilentClient.connect(trustedProxy.port(), flooderAddress, flooderName)) {
            neighbour.join(room);
            flooder.sendText(ChatClient.json("type", "join", "room", room));
            assertEquals(List.of(flooderName), strings(neighbour.await("presence"), "joined"));
            for (int i = 0; i < ADDRESS_COMMAND_BURST + 3 * STRIKES; i++) {
                flooder.sendText(ChatClient.json("type", "typing", "room", room));
            }

            assertEquals(4029, flooder.readUntilClose(), "the close code; frames before it: " + flooder.texts());
            List<JsonObject> errors = flooder.texts().stream()
                    .map(ChatClient::parse)
                    .filter(frame -> "error".equals(frame.getString("type")))
                    .toList();
            assertEquals(STRIKES, errors.size(), errors::toString);
            errors.forEach(error -> assertError(error, "rate_limited", "typing"));
            assertTrue(
                    errors.get(0).getString("message").contains("address"),
                    "refused for its address's rate, not its own: " + errors.get(0));

            assertEquals("still here", neighbour.post(room, "still here").getString("text"));
            assertRefused(flooderAddress);
            try (ChatClient other = admitted(address())) {
                assertEquals("welcome", other.welcome().getString("type"));
            }
            Pattern disconnected = Pattern.compile(
                    "disconnect id=\\S+ user=" + Pattern.quote(flooderName) + " address=\\S+ code=4029");
            Poll.until(
                    ChatClient.TIMEOUT,
                    () -> disconnected.matcher(server.process().consoleOutput()).find(),
                    "the flooder's disconnect line"); // logged when the container reports the end, maybe after the
            // frame
            HttpResponse<String> metrics = Http.get(server.base().toURI().resolve("/api/metrics"));
            assertTrue(
                    metrics.body()
                            .lines()
                            .anyMatch(line -> line.matches(
                                    "parley_closes_total\\{code=\"4029\",reason=\"rate_limited\"\\} [1-9].*")),
                    metrics::body);
        }
    }

    /**
     * Pages of a foreign origin are refused before they take anything of their address: three bursts' worth of
     * them are each told {@code origin_refused} (not {@code limit_exceeded}), and the address's next connection
     * is admitted.
     */
    @Test
    void aRefusedOriginDoesNotSpendItsAddresssHandshakes() {
        String address = address();
        for (int i = 0; i < 3 * HANDSHAKE_BURST; i++) {
            try (ChatClient foreign = connect(address, encode(unique("page")), "http://evil.example")) {
                assertError(foreign.next(), "origin_refused", null);
                assertEquals(4005, foreign.awaitClose());
            }
        }
        try (ChatClient own = admitted(address)) {
            assertEquals("welcome", own.welcome().getString("type"));
        }
    }

    /** {@code parley.allowed-origins} pins scheme, host and port: the pinned origin connects, its neighbours not. */
    @Test
    void anOperatorPinnedOriginIsAcceptedAndOnlyThatOrigin() {
        try (ChatClient pinned = welcomed(connect(address(), encode(unique("page")), PINNED_ORIGIN))) {
            assertEquals("welcome", pinned.welcome().getString("type"));
        }
        for (String neighbour : List.of("http://chat.example.org", PINNED_ORIGIN + ":8443", "https://example.org")) {
            try (ChatClient refused = connect(address(), encode(unique("page")), neighbour)) {
                assertError(refused.next(), "origin_refused", null);
                assertEquals(4005, refused.awaitClose(), neighbour);
            }
        }
    }

    @Test
    void theServerAdmitsAtMostItsTotalAndTheRestAreRefusedWith4009() {
        List<ChatClient> held = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + ChatClient.TIMEOUT.toNanos();
            while (held.size() < MAX) {
                assertTrue(System.nanoTime() < deadline, "only " + held.size() + " of " + MAX + " admitted");
                ChatClient client = connect(address(), unique("many"));
                JsonObject first = client.next();
                if ("welcome".equals(first.getString("type"))) {
                    held.add(client);
                } else {
                    assertError(first, "limit_exceeded", null);
                    client.awaitClose();
                    client.close();
                }
            }
            assertRefused(address());
            assertTrue(held.get(0).sync().isEmpty(), "an admitted connection was disturbed");
            held.remove(0).close();
            held.add(admittedOnceReleased(address()));
        } finally {
            held.forEach(ChatClient::close);
        }
    }

    /** Straight from 127.0.0.1, which is no trusted proxy: a forged X-Forwarded-For does not buy more slots. */
    @Test
    void xForwardedForFromAnUntrustedPeerIsIgnored() {
        List<ChatClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                held.add(welcomed(
                        ChatClient.connect(direct("name=" + unique("forger")), Map.of("X-Forwarded-For", address()))));
            }
            try (ChatClient forger =
                    ChatClient.connect(direct("name=" + unique("forger")), Map.of("X-Forwarded-For", address()))) {
                assertError(forger.next(), "limit_exceeded", null);
                assertEquals(4009, forger.awaitClose());
            }
        } finally {
            held.forEach(ChatClient::close);
        }
    }

    /**
     * A client that never answers pings (a raw socket that reads but sends no pong) is closed with 4010 by the
     * server, and the room sees it leave after the grace; a client that answers pings stays, idle as it is. (The
     * JDK's WebSocket client answers pings even while the test does not read, so it cannot play the dead client.)
     */
    @Test
    void aClientThatDoesNotAnswerPingsIsClosedWith4010AndLeavesItsRooms() throws Exception {
        String room = unique("liveness");
        String sleeper = unique("asleep");
        try (ChatClient bystander = admitted(address(), unique("awake"));
                SilentClient silent = SilentClient.connect(trustedProxy.port(), address(), sleeper)) {
            bystander.join(room);
            long idleSince = System.nanoTime();
            silent.sendText(ChatClient.json("type", "join", "room", room));
            JsonObject joined = bystander.await("presence");
            assertEquals(List.of(sleeper), strings(joined, "joined"), joined::toString);

            JsonObject left = bystander.await("presence");
            assertEquals(List.of(sleeper), strings(left, "left"), left::toString);
            assertEquals(4010, silent.readUntilClose(), "the close code; frames before it: " + silent.opcodes());
            assertTrue(silent.opcodes().contains(SilentClient.PING), "no ping before the close: " + silent.opcodes());

            assertTrue(
                    (System.nanoTime() - idleSince) / 1_000_000 > PING_INTERVAL_MS + PING_TIMEOUT_MS,
                    "the bystander was not idle long enough to be pinged");
            assertTrue(bystander.sync().isEmpty());
            assertFalse(bystander.isClosed(), "a client that answers pings was closed");
            assertTrue(
                    Pattern.compile("disconnect id=\\S+ user=" + Pattern.quote(sleeper) + " address=\\S+ code=4010")
                            .matcher(server.process().consoleOutput())
                            .find(),
                    "no disconnect line");
        }
    }

    /** Closed for silence and back within the presence grace: the room never sees the user leave. */
    @Test
    void aClientClosedFor4010ThatReconnectsWithinTheGraceDoesNotFlap() throws Exception {
        String room = unique("flap");
        String address = address();
        String name = unique("dozer");
        try (ChatClient bystander = admitted(address(), unique("awake"));
                ChatClient marker = admitted(address(), unique("marker"))) {
            bystander.join(room);
            try (SilentClient dozer = SilentClient.connect(trustedProxy.port(), address, name)) {
                dozer.sendText(ChatClient.json("type", "join", "room", room));
                bystander.await("presence");
                assertEquals(4010, dozer.readUntilClose());
            }
            try (ChatClient back = admittedOnceReleased(address, name)) {
                back.join(room);
                marker.join(room);
                marker.close();
                List<JsonObject> seen = bystander.until(
                        frame -> "presence".equals(frame.getString("type"))
                                && strings(frame, "left").contains(marker.user()),
                        "the marker's departure");
                for (JsonObject frame : seen) {
                    assertFalse(strings(frame, "left").contains(name), "the user flapped: " + seen);
                }
            }
        }
    }

    @Test
    void noMessageTextReachesTheLog() {
        String secret = "confidential " + unique("text");
        try (ChatClient alice = admitted(address(), unique("alice"))) {
            String room = unique("quiet");
            alice.join(room);
            alice.post(room, secret);
            alice.command("whisper", "to", alice.user(), "text", secret);
            alice.await("whisper");
            assertFalse(server.process().consoleOutput().contains(secret), "a message text is in the server's log");
            assertFalse(
                    server.process().consoleOutput().contains(alice.welcome().getString("resume")),
                    "a resume token is in the server's log");
        }
    }

    private static String address() {
        return "10." + RANDOM.nextInt(256) + "." + RANDOM.nextInt(256) + "." + (1 + RANDOM.nextInt(254));
    }

    private static URI direct(String query) {
        return ChatClient.chatUri(server.base(), query);
    }

    /** Through the trusted proxy, as the client {@code address}. */
    private static ChatClient connect(String address, String nameAndQuery) {
        return connect(address, nameAndQuery, Map.of());
    }

    /** Through the trusted proxy, as the client {@code address}, from a page of that origin. */
    private static ChatClient connect(String address, String nameAndQuery, String origin) {
        return connect(address, nameAndQuery, Map.of("Origin", origin));
    }

    private static ChatClient connect(String address, String nameAndQuery, Map<String, String> headers) {
        URI uri = URI.create("ws://127.0.0.1:" + trustedProxy.port() + "/chat?name=" + nameAndQuery);
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("X-Forwarded-For", "192.0.2.1, " + address);
        return ChatClient.connect(uri, all);
    }

    private static ChatClient admitted(String address) {
        return admitted(address, unique("guest"));
    }

    private static ChatClient admitted(String address, String name) {
        return welcomed(connect(address, encode(name)));
    }

    private static ChatClient welcomed(ChatClient client) {
        return ChatClient.welcomed(client);
    }

    /** After a close the server frees the slot when it has processed the close: a refusal meanwhile is retried. */
    private static ChatClient admittedOnceReleased(String address) {
        return admittedOnceReleased(address, unique("again"));
    }

    private static ChatClient admittedOnceReleased(String address, String name) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return ChatClient.welcomed(connect(address, encode(name)));
            } catch (AssertionError refused) {
                if (!refused.getMessage().contains("limit_exceeded")) {
                    throw refused;
                }
            }
        }
        return fail("the slot of " + address + " was not released");
    }

    private static void assertRefused(String address) {
        try (ChatClient refused = connect(address, encode(unique("extra")))) {
            assertError(refused.next(), "limit_exceeded", null);
            assertEquals(4009, refused.awaitClose());
        }
    }

    /**
     * A WebSocket client on a plain socket that reads what the server sends but never answers a ping: a peer whose
     * application is gone while its TCP stack is not. It speaks only as much of RFC 6455 as this test needs.
     */
    static final class SilentClient implements AutoCloseable {

        static final int TEXT = 1, CLOSE = 8, PING = 9;
        private final java.net.Socket socket;
        private final java.io.DataInputStream in;
        private final List<Integer> opcodes = new ArrayList<>();
        private final List<String> texts = new ArrayList<>();

        private SilentClient(java.net.Socket socket) throws java.io.IOException {
            this.socket = socket;
            this.in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        }

        static SilentClient connect(int port, String forwardedFor, String name) throws java.io.IOException {
            java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
            socket.setSoTimeout((int) ChatClient.TIMEOUT.toMillis());
            String key = java.util.Base64.getEncoder().encodeToString(new byte[16]);
            String request = "GET /chat?name=" + name + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: " + forwardedFor + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            SilentClient client = new SilentClient(socket);
            String status = client.line();
            assertTrue(status.startsWith("HTTP/1.1 101"), "the upgrade was answered " + status);
            while (!client.line().isEmpty()) {
                // the response headers
            }
            return client;
        }

        /** One masked text frame (the mask key is zero, which leaves the payload as it is). */
        void sendText(String text) throws java.io.IOException {
            byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(payload.length < 126);
            java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
            frame.write(0x80 | TEXT);
            frame.write(0x80 | payload.length);
            frame.write(new byte[4]);
            frame.write(payload);
            socket.getOutputStream().write(frame.toByteArray());
        }

        /** Reads frames, answering none, up to the server's close frame; returns its code. */
        int readUntilClose() throws java.io.IOException {
            while (true) {
                int first = in.readUnsignedByte();
                int length = in.readUnsignedByte() & 0x7f;
                long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
                byte[] payload = new byte[(int) size];
                in.readFully(payload);
                int opcode = first & 0x0f;
                opcodes.add(opcode);
                if (opcode == TEXT) {
                    texts.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
                }
                if (opcode == CLOSE) {
                    return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                }
            }
        }

        List<Integer> opcodes() {
            return opcodes;
        }

        /** The text frames {@link #readUntilClose} read, in order. */
        List<String> texts() {
            return texts;
        }

        private String line() throws java.io.IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = socket.getInputStream().read()) != '\n') {
                if (c == -1) {
                    throw new java.io.EOFException("the server closed during the handshake");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
