package dev.parley.chat.boundary;

import dev.parley.chat.entity.Command;
import dev.parley.testing.EndpointFuzz;
import dev.parley.testing.FrameMutator;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint under fuzzed frames in an embedded Tyrus server ({@link EndpointFuzz}): every frame gets an event
 * or a documented close, nothing escapes, the neighbours see nothing of malformed frames. The rate limits are
 * raised so that every frame reaches the decoder.
 */
public class FuzzWebSocketTest {

    static final int FRAMES = Integer.getInteger("parley.fuzz.endpoint-frames", 400);

    EmbeddedChat chat;
    URL base;

    @BeforeEach
    void start() throws Exception {
        chat = new EmbeddedChat(Map.of(
                "parley.rate.commands-burst",
                "100000",
                "parley.rate.commands-per-second",
                "100000",
                "parley.rate.say-burst",
                "100000",
                "parley.rate.say-per-second",
                "100000",
                "parley.presence.grace-ms",
                "0"));
        base = chat.base;
    }

    @AfterEach
    void stop() throws InterruptedException {
        chat.close();
    }

    @Test
    void fuzzedFramesGetAnEventOrADocumentedCloseAndNeighboursSeeNothing() {
        new EndpointFuzz(base, FuzzWebSocketTest::malformed, 65_536, 0).run(FrameMutator.seed(), FRAMES);
    }

    /** Whether Parley's decoder finds the frame malformed: the oracle for the IT tier too. */
    public static boolean malformed(String frame) {
        return new CommandDecoder().decode(frame) instanceof Command.Malformed;
    }
}
