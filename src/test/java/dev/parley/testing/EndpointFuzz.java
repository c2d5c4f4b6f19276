package dev.parley.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.boundary.CommandDecoder;
import dev.parley.chat.entity.Command;
import jakarta.json.JsonObject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Fuzzes a running endpoint with {@link FrameMutator} frames from one connection while a watcher sits in the room
 * the frames are about and a bystander in another room. After every frame:
 * <ul>
 * <li>a frame over the limit closed the connection with 1009 (and the fuzzer connects again);</li>
 * <li>a malformed frame got exactly one {@code error bad_request}, and the watcher saw nothing (but presence,
 * which the fuzzer's reconnects cause on a timer);</li>
 * <li>any other frame got no {@code internal} error, and the connection is still open;</li>
 * </ul>
 * and at the end the watcher and the bystander still chat. What is malformed is decided by the decoder itself
 * (checked against JSON-P by {@code CommandDecoderFuzzTest}). Raw lone surrogates cannot be sent as text frames
 * (they are not UTF-8), so they go as JSON escapes, which reach the server as lone surrogates all the same.
 */
public final class EndpointFuzz {

    private final URL base;
    private final Predicate<String> malformed;
    private final int maxFrameBytes;
    private final long pauseNanos;

    /**
     * @param framesPerSecond pace of the fuzzer (each frame and its probe are two commands): keep it within the
     *                        server's {@code parley.rate.commands-per-second}, or 0 for no pacing
     */
    public EndpointFuzz(URL base, Predicate<String> malformed, int maxFrameBytes, int framesPerSecond) {
        this.base = base;
        this.malformed = malformed;
        this.maxFrameBytes = maxFrameBytes;
        this.pauseNanos = framesPerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / framesPerSecond;
    }

    /** Sends {@code count} frames from {@code seed}; prints the seed and what happened. */
    public void run(long seed, int count) {
        String room = ChatClient.unique("fuzz");
        String quiet = ChatClient.unique("quiet");
        int malformedFrames = 0;
        int oversized = 0;
        int commands = 0;
        try (ChatClient watcher = ChatClient.open(base, ChatClient.unique("watcher"));
                ChatClient bystander = ChatClient.open(base, ChatClient.unique("bystander"))) {
            watcher.join(room);
            watcher.join(quiet);
            bystander.join(quiet);
            FrameMutator frames = new FrameMutator(new Random(seed), room, watcher.user());
            ChatClient fuzzer = ChatClient.open(base, ChatClient.unique("fuzzer"));
            try {
                for (int i = 0; i < count; i++) {
                    String frame = escapeLoneSurrogates(frames.next());
                    String context =
                            "seed " + seed + " (-Dparley.fuzz.seed=" + seed + "), frame #" + i + " " + shorten(frame);
                    long started = System.nanoTime();
                    try {
                        if (frame.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
                            boolean sent = true;
                            try {
                                fuzzer.send(frame);
                            } catch (AssertionError closedWhileSending) {
                                // a container may close with 1009 before the whole frame has arrived (Tyrus does)
                                sent = false;
                            }
                            // Parley closes with 1009 once the running count passes the limit, while the client may
                            // still be sending: a container that then closes TCP under unread bytes (Tyrus, Open
                            // Liberty) resets the connection before the close frame is read, and the client sees 1006
                            int code = fuzzer.awaitEnd();
                            assertTrue(
                                    code == 1009 || code == ChatClient.DROPPED,
                                    "the connection ended with " + code + " after an oversized frame (sent whole: "
                                            + sent + ")");
                            oversized++;
                            fuzzer.close();
                            // under a new name, not resumed: after such a failed connection the JDK's client was seen
                            // to send its opening handshake once more, with the old token, and that phantom took the
                            // name (free once the server closed the connection) before the resume could
                            fuzzer = ChatClient.open(base, ChatClient.unique("fuzzer"));
                            continue;
                        }
                        fuzzer.send(frame);
                        // a say is answered once it is stored, possibly after later commands' replies: await it
                        List<JsonObject> replies = new ArrayList<>();
                        if (new CommandDecoder().decode(frame) instanceof Command.Say say) {
                            String user = fuzzer.user();
                            replies.addAll(fuzzer.until(reply -> answers(reply, say, user), "the answer to " + say));
                        }
                        replies.addAll(fuzzer.sync());
                        assertFalse(fuzzer.isClosed(), "the connection closed");
                        assertTrue(
                                replies.stream().noneMatch(r -> "internal".equals(r.getString("code", null))),
                                () -> "an internal error: " + replies);
                        // presence of the fuzzer comes from its reconnects, on the grace timer: not from a frame
                        List<JsonObject> watched = watcher.sync().stream()
                                .filter(f -> !"presence".equals(f.getString("type", null)))
                                .toList();
                        if (malformed.test(frame)) {
                            malformedFrames++;
                            assertEquals(1, replies.size(), () -> "one reply expected, got " + replies);
                            assertEquals("error", replies.get(0).getString("type"), replies.get(0)::toString);
                            assertEquals("bad_request", replies.get(0).getString("code"), replies.get(0)::toString);
                            assertEquals(List.of(), watched, "the watcher saw something of a malformed frame");
                        } else {
                            commands++;
                        }
                    } catch (AssertionError failure) {
                        throw new AssertionError(context + ": " + failure.getMessage(), failure);
                    }
                    pace(started);
                }
            } finally {
                fuzzer.close();
            }
            String ref = ChatClient.ref();
            bystander.say(quiet, "still here", ref);
            bystander.awaitOwn(ref);
            assertEquals(
                    "still here",
                    watcher.await(
                                    f -> "message".equals(f.getString("type", null))
                                            && quiet.equals(f.getString("room", null)),
                                    "the bystander's message")
                            .getString("text"));
        }
        System.out.printf(
                "EndpointFuzz: seed %d, %d frames: %d malformed, %d oversized, %d commands%n",
                seed, count, malformedFrames, oversized, commands);
        assertTrue(malformedFrames > count / 4, "too few malformed frames for the test to mean anything");
    }

    private void pace(long started) {
        long rest = pauseNanos - (System.nanoTime() - started);
        if (rest > 0) {
            // staying within the server's rate limit, not waiting for an event
            LockSupport.parkNanos(rest);
        }
    }

    static String escapeLoneSurrogates(String frame) {
        StringBuilder out = new StringBuilder(frame.length());
        for (int i = 0; i < frame.length(); i++) {
            char c = frame.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < frame.length()
                    && Character.isLowSurrogate(frame.charAt(i + 1))) {
                out.append(c).append(frame.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String shorten(String frame) {
        String shown = frame.length() > 200 ? frame.substring(0, 200) + "…(" + frame.length() + " chars)" : frame;
        StringBuilder out = new StringBuilder();
        shown.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : (char) c));
        return out.toString();
    }

    /** The echo of the say, or an error about it. */
    static boolean answers(JsonObject reply, Command.Say say, String user) {
        String type = reply.getString("type", "");
        return say.room().equals(reply.getString("room", null))
                && ("message".equals(type)
                                && user.equals(reply.getString("from", null))
                                && say.text().equals(reply.getString("text", null))
                        || "error".equals(type) && "say".equals(reply.getString("for", null)));
    }
}
