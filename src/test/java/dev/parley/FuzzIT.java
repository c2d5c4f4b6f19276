package dev.parley;

import dev.parley.chat.boundary.FuzzWebSocketTest;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.EndpointFuzz;
import dev.parley.testing.FrameMutator;
import org.junit.jupiter.api.Test;

/**
 * The endpoint fuzz of {@code FuzzWebSocketTest}, shorter, against the real WAR on the managed server: the
 * container's own WebSocket stack, codecs and CDI wiring. Paced within the default command rate (30/s, burst 60),
 * as each frame costs two commands (the frame and the probe that reads its replies).
 */
class FuzzIT extends DeployedParley {

    static final int FRAMES = Integer.getInteger("parley.fuzz.it-frames", 150);

    @Test
    void fuzzedFramesGetAnEventOrADocumentedCloseAndNeighboursSeeNothing() {
        new EndpointFuzz(base, FuzzWebSocketTest::malformed, 65_536, 12).run(FrameMutator.seed(), FRAMES);
    }
}
