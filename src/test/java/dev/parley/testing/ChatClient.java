package dev.parley.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A black-box protocol v1 client on the JDK's {@link WebSocket}. Every text message becomes a {@link JsonObject} in a
 * queue the test reads with a timeout ({@code parley.test.timeout-ms}, default 10 s); nothing here sleeps.
 * The client keeps reading (and so keeps TCP flowing) whether or not the test consumes the queue, until
 * {@link #pauseReading()}. A client that connected with {@code batch=1} also takes a frame that is an array of events,
 * queueing each in order; any other client treats an array as a protocol violation.
 */
public final class ChatClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofMillis(Long.getLong("parley.test.timeout-ms", 10_000));
    /** A close code for a connection that ended without a close frame. */
    public static final int DROPPED = 1006;

    /** How many {@code say} one connection of {@link #postAll} sends back to back ({@code parley.test.say-budget}). */
    public static final int SAY_BUDGET = Integer.getInteger("parley.test.say-budget", 15);

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String label;
    private final boolean batched;
    private final AtomicInteger arrayFrames = new AtomicInteger();
    private final BlockingDeque<Object> inbox = new LinkedBlockingDeque<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final Object sendLock = new Object();
    private final Object demandLock = new Object();
    private boolean paused;
    private boolean withheld;
    private volatile WebSocket socket;
    private JsonObject welcome;

    private final Duration timeout;

    private ChatClient(String label, boolean batched, Duration timeout) {
        this.label = label;
        this.batched = batched;
        this.timeout = timeout;
    }

    public static ChatClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    /** Completes the WebSocket handshake or throws {@link AssertionError}; does not wait for {@code welcome}. */
    public static ChatClient connect(URI uri, Map<String, String> headers) {
        return connect(uri, headers, TIMEOUT);
    }

    /**
     * Like {@link #connect(URI, Map)}, with a longer timeout than {@link #TIMEOUT} for the handshake and every
     * later wait of this client: for load tests, whose clients may wait long on a busy machine.
     */
    public static ChatClient connect(URI uri, Map<String, String> headers, Duration timeout) {
        String query = uri.getRawQuery();
        boolean batched = query != null && ("&" + query + "&").contains("&batch=1&");
        ChatClient client = new ChatClient(query == null ? uri.toString() : query, batched, timeout);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(timeout);
        headers.forEach(builder::header);
        try {
            client.socket =
                    builder.buildAsync(uri, client.new Receiver()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return client;
        } catch (ExecutionException e) {
            throw new AssertionError("handshake with " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("handshake with " + uri + " took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code ws://host:port/chat?query} (wss for https) for the server behind an http(s) base URL. */
    public static URI chatUri(URL base, String query) {
        String scheme = "https".equalsIgnoreCase(base.getProtocol()) ? "wss" : "ws";
        int port = base.getPort() == -1 ? base.getDefaultPort() : base.getPort();
        String tail = query == null || query.isEmpty() ? "" : "?" + query;
        return URI.create(scheme + "://" + base.getHost() + ":" + port + "/chat" + tail);
    }

    /** Connects as the guest {@code name} and reads the {@code welcome} that must come first. */
    public static ChatClient open(URL base, String name) {
        return open(base, name, TIMEOUT);
    }

    /** {@link #open(URL, String)} with the timeout of {@link #connect(URI, Map, Duration)}. */
    public static ChatClient open(URL base, String name, Duration timeout) {
        return welcomed(connect(chatUri(base, "name=" + encode(name)), Map.of(), timeout));
    }

    /** Connects as the guest {@code name}, taking the name over with a {@code resume} token. */
    public static ChatClient resume(URL base, String name, String token) {
        return resume(base, name, token, TIMEOUT);
    }

    /** {@link #resume(URL, String, String)} with the timeout of {@link #connect(URI, Map, Duration)}. */
    public static ChatClient resume(URL base, String name, String token, Duration timeout) {
        return welcomed(connect(chatUri(base, "name=" + encode(name) + "&resume=" + encode(token)), Map.of(), timeout));
    }

    /** Reads the {@code welcome} that must come first on a connection made with {@link #connect}. */
    public static ChatClient welcomed(ChatClient client) {
        JsonObject first = client.next();
        if (!"welcome".equals(first.getString("type", null))) {
            client.close();
            throw new AssertionError(client.label + ": the first frame is not welcome: " + first);
        }
        client.welcome = first;
        return client;
    }

    /** Percent-encodes a query value ({@code %20} for a space). */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A name unique to this test run: {@code prefix}, a dash and six random lower-case letters and digits. */
    public static String unique(String prefix) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder name = new StringBuilder(prefix).append('-');
        for (int i = 0; i < 6; i++) {
            name.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return name.toString();
    }

    public static String ref() {
        return UUID.randomUUID().toString();
    }

    /** One JSON object from alternating field names and values (String, Number, Boolean, JsonValue). */
    public static String json(Object... fieldsAndValues) {
        if (fieldsAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields and values come in pairs");
        }
        JsonObjectBuilder object = Json.createObjectBuilder();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            String field = (String) fieldsAndValues[i];
            Object value = fieldsAndValues[i + 1];
            if (value instanceof String s) object.add(field, s);
            else if (value instanceof Integer n) object.add(field, n);
            else if (value instanceof Long n) object.add(field, n);
            else if (value instanceof Boolean b) object.add(field, b);
            else if (value instanceof JsonValue v) object.add(field, v);
            else if (value != null) throw new IllegalArgumentException("unsupported value " + value);
        }
        return object.build().toString();
    }

    /** The {@code welcome} frame, when opened with {@link #open} or {@link #resume}. */
    public JsonObject welcome() {
        return welcome;
    }

    /** The user name the server gave this connection (from {@code welcome}). */
    public String user() {
        return welcome.getString("user");
    }

    /** Sends one text frame and waits until the JDK has written it; one send at a time per client. */
    public void send(String json) {
        synchronized (sendLock) {
            try {
                socket.sendText(json, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError(label + ": sending failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError(label + ": sending took longer than " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Sends a command built by {@link #json}: {@code command("join", "room", "general")}. */
    public void command(String type, Object... fieldsAndValues) {
        Object[] all = new Object[fieldsAndValues.length + 2];
        all[0] = "type";
        all[1] = type;
        System.arraycopy(fieldsAndValues, 0, all, 2, fieldsAndValues.length);
        send(json(all));
    }

    /** The next text frame; {@link AssertionError} after the timeout or when the connection has ended. */
    public JsonObject next() {
        return next(deadline());
    }

    /** The next frame of that type, discarding the others (which the failure message lists). */
    public JsonObject await(String type) {
        return await(frame -> type.equals(frame.getString("type", null)), "a " + type + " frame");
    }

    /** The next frame that matches, discarding the others (which the failure message lists). */
    public JsonObject await(Predicate<JsonObject> wanted, String what) {
        long deadline = deadline();
        List<JsonObject> skipped = new ArrayList<>();
        while (true) {
            JsonObject frame;
            try {
                frame = next(deadline);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " while awaiting " + what + "; skipped " + skipped, e);
            }
            if (wanted.test(frame)) {
                return frame;
            }
            skipped.add(frame);
        }
    }

    /** Every frame up to and including the first that matches. */
    public List<JsonObject> until(Predicate<JsonObject> last, String what) {
        long deadline = deadline();
        List<JsonObject> frames = new ArrayList<>();
        while (true) {
            JsonObject frame;
            try {
                frame = next(deadline);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " while awaiting " + what + "; got " + frames, e);
            }
            frames.add(frame);
            if (last.test(frame)) {
                return frames;
            }
        }
    }

    /** The frames that have arrived and not been read yet, without waiting. */
    public List<JsonObject> drain() {
        List<JsonObject> frames = new ArrayList<>();
        Object item;
        while ((item = inbox.peekFirst()) instanceof JsonObject) {
            frames.add((JsonObject) inbox.pollFirst());
        }
        return frames;
    }

    /**
     * Every frame the server queued for this connection before it handled a probe command sent now: the server
     * answers one connection's frames in order, so a frame missing from this list was not sent before the probe.
     * The probe is a {@code leave} of a room this connection has not joined, answered with an error naming it.
     */
    public List<JsonObject> sync() {
        String probe = unique("probe");
        command("leave", "room", probe);
        List<JsonObject> frames = until(
                frame -> "error".equals(frame.getString("type", null)) && probe.equals(frame.getString("room", null)),
                "the reply to the probe leave of " + probe);
        return frames.subList(0, frames.size() - 1);
    }

    /** Every frame until the connection ends (closed or dropped); {@link AssertionError} if it does not end in time. */
    public List<JsonObject> readToEnd() {
        resumeReading();
        long deadline = deadline();
        List<JsonObject> frames = new ArrayList<>();
        while (true) {
            Object item;
            try {
                item = inbox.pollFirst(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (item == null) {
                throw new AssertionError(label + ": the connection did not end within " + timeout + " after "
                        + frames.size() + " frames");
            }
            if (!(item instanceof JsonObject frame)) {
                inbox.offerFirst(item);
                return frames;
            }
            frames.add(frame);
        }
    }

    /** Joins and returns the {@code joined} reply, failing fast on an error about the join. */
    public JsonObject join(String room) {
        command("join", "room", room);
        JsonObject reply = await(
                frame -> isError(frame, "join", room)
                        || "joined".equals(frame.getString("type", null)) && room.equals(frame.getString("room", null)),
                "joined " + room);
        if (isError(reply, "join", room)) {
            throw new AssertionError(label + ": join " + room + " was refused: " + reply);
        }
        return reply;
    }

    /** Leaves and returns the {@code left} reply. */
    public JsonObject leave(String room) {
        command("leave", "room", room);
        JsonObject reply = await(
                frame -> isError(frame, "leave", room)
                        || "left".equals(frame.getString("type", null)) && room.equals(frame.getString("room", null)),
                "left " + room);
        if (isError(reply, "leave", room)) {
            throw new AssertionError(label + ": leave " + room + " was refused: " + reply);
        }
        return reply;
    }

    /** Sends {@code say}; a null ref is left out. */
    public void say(String room, String text, String ref) {
        command("say", "room", room, "text", text, "ref", ref);
    }

    /** Posts with a fresh ref and returns this connection's copy of the stored message. */
    public JsonObject post(String room, String text) {
        String ref = ref();
        say(room, text, ref);
        return awaitOwn(ref);
    }

    /**
     * The room's whole history as this connection sees it (its own messages with their refs), oldest first: pages
     * {@code after} 0 onwards, following {@code more}.
     */
    public List<JsonObject> wholeHistory(String room) {
        List<JsonObject> messages = new ArrayList<>();
        long after = 0;
        for (int page = 0; ; page++) {
            if (page >= 100) {
                throw new AssertionError(
                        label + ": the history of " + room + " does not end: " + messages.size() + " messages so far");
            }
            command("history", "room", room, "after", after, "limit", 200);
            JsonObject reply = await(
                    frame -> "history".equals(frame.getString("type", null))
                            && room.equals(frame.getString("room", null)),
                    "the history of " + room);
            List<JsonObject> items = reply.getJsonArray("messages").getValuesAs(JsonObject.class);
            messages.addAll(items);
            if (!reply.getBoolean("more")) {
                return messages;
            }
            if (items.isEmpty()) {
                throw new AssertionError(label + ": an empty page that says more: " + reply);
            }
            after = items.get(items.size() - 1).getJsonNumber("seq").longValue();
        }
    }

    /** This connection's copy of its message with that ref, failing fast on an error about it. */
    public JsonObject awaitOwn(String ref) {
        JsonObject reply = await(
                frame -> ref.equals(frame.getString("ref", null))
                        && ("message".equals(frame.getString("type", null))
                                || "error".equals(frame.getString("type", null))),
                "the message with ref " + ref);
        if ("error".equals(reply.getString("type", null))) {
            throw new AssertionError(label + ": the say with ref " + ref + " was refused: " + reply);
        }
        return reply;
    }

    /** The next {@code error} frame with that code. */
    public JsonObject awaitError(String code) {
        return await(
                frame -> "error".equals(frame.getString("type", null)) && code.equals(frame.getString("code", null)),
                "an error " + code);
    }

    /**
     * Stops asking the JDK for frames: the socket is no longer read, so the server's writes back up through TCP.
     * At most one frame already asked for may still arrive.
     */
    public void pauseReading() {
        synchronized (demandLock) {
            paused = true;
        }
    }

    public void resumeReading() {
        boolean ask;
        synchronized (demandLock) {
            paused = false;
            ask = withheld;
            withheld = false;
        }
        if (ask) {
            socket.request(1);
        }
    }

    /** The server's close code; {@link AssertionError} on a timeout or when the connection failed instead. */
    public int awaitClose() {
        resumeReading();
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(
                    label + ": the connection failed instead of closing: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(label + ": no close within " + timeout + "; unread " + drain(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Like {@link #awaitClose()}, but a connection that ended without a close frame gives {@link #DROPPED}. */
    public int awaitEnd() {
        resumeReading();
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return DROPPED;
        } catch (TimeoutException e) {
            throw new AssertionError(label + ": the connection did not end within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** How many frames came as arrays of events (only to a client that asked with {@code batch=1}). */
    public int arrayFrames() {
        return arrayFrames.get();
    }

    /** Sends close 1000 if still open, waits briefly for the server's close, then releases the connection. */
    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        resumeReading();
        try {
            if (!ws.isOutputClosed() && !closed.isDone()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                closed.get(Math.min(timeout.toMillis(), 5_000), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the connection is going away either way
        } finally {
            ws.abort();
        }
    }

    /** Drops the TCP connection without a close frame, as a network failure would. */
    public void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public String toString() {
        return "ChatClient[" + label + "]";
    }

    /**
     * Posts the texts to the room in order, from as many fresh guest connections as the say rate needs: each posts
     * at most {@link #SAY_BUDGET} (under the default burst of 20), waits for its copies and closes. Returns the
     * stored messages in the order posted.
     */
    public static List<JsonObject> postAll(URL base, String room, List<String> texts) {
        List<JsonObject> stored = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += SAY_BUDGET) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + SAY_BUDGET));
            try (ChatClient poster = open(base, unique("poster"))) {
                poster.join(room);
                List<String> refs = new ArrayList<>();
                for (String text : chunk) {
                    String ref = ref();
                    refs.add(ref);
                    poster.say(room, text, ref);
                }
                for (String ref : refs) {
                    stored.add(poster.awaitOwn(ref));
                }
            }
        }
        return stored;
    }

    /** One frame's JSON object. */
    public static JsonObject parse(String frame) {
        try (JsonReader reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }

    /** The events of an array frame (the {@code batch} extension), in order. */
    public static List<JsonObject> parseArray(String frame) {
        try (JsonReader reader = Json.createReader(new StringReader(frame))) {
            return reader.readArray().getValuesAs(JsonObject.class);
        }
    }

    /** The {@code seq} values of the {@code message} frames among these frames, in order. */
    public static List<Long> seqs(List<JsonObject> frames) {
        return frames.stream()
                .filter(f -> "message".equals(f.getString("type", null)))
                .map(f -> f.getJsonNumber("seq").longValue())
                .collect(Collectors.toList());
    }

    /** The strings of a JSON array field, or an empty list when it is absent. */
    public static List<String> strings(JsonObject object, String field) {
        JsonArray array = object.getJsonArray(field);
        return array == null
                ? List.of()
                : array.getValuesAs(JsonString.class).stream()
                        .map(JsonString::getString)
                        .collect(Collectors.toList());
    }

    /** An error about a command of that type and room (a missing {@code for} or {@code room} matches). */
    private static boolean isError(JsonObject frame, String forType, String room) {
        return "error".equals(frame.getString("type", null))
                && forType.equals(frame.getString("for", forType))
                && room.equals(frame.getString("room", room));
    }

    private long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    private JsonObject next(long deadline) {
        Object item;
        try {
            item = inbox.pollFirst(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (item == null) {
            throw new AssertionError(label + ": no frame within " + timeout);
        }
        if (item instanceof JsonObject frame) {
            return frame;
        }
        inbox.offerFirst(item);
        throw new AssertionError(label + ": " + item);
    }

    private void more(WebSocket ws) {
        boolean ask;
        synchronized (demandLock) {
            ask = !paused;
            withheld = paused;
        }
        if (ask) {
            ws.request(1);
        }
    }

    private record Ended(String how) {
        @Override
        public String toString() {
            return how;
        }
    }

    private final class Receiver implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            socket = ws;
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    if (batched && text.startsWith("[")) {
                        arrayFrames.incrementAndGet();
                        parseArray(text).forEach(inbox::offerLast);
                    } else {
                        inbox.offerLast(parse(text));
                    }
                } catch (JsonParsingException | ClassCastException | IllegalStateException e) {
                    inbox.offerLast(new Ended("the server sent a frame that is not one JSON object: " + text));
                }
            }
            more(ws);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            inbox.offerLast(new Ended("the server sent a binary frame (protocol v1 has none)"));
            more(ws);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            // completed first, so that whoever reads the end from the inbox sees isClosed()
            closed.complete(statusCode);
            inbox.offerLast(new Ended("the connection was closed with " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
            inbox.offerLast(new Ended("the connection failed: " + error));
        }
    }
}
