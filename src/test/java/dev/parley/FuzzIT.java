package dev.parley;

import dev.parley.chat.boundary.FuzzWebSocketTest;
import dev.parley.testing.Deployments;
import dev.parley.testing.EndpointFuzz;
import dev.parley.testing.FrameMutator;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.Archive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The endpoint fuzz of {@code FuzzWebSocketTest}, shorter, against the real WAR on the managed server: the
 * container's own WebSocket stack, codecs and CDI wiring. Paced within the default command rate (30/s, burst 60),
 * as each frame costs two commands (the frame and the probe that reads its replies).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FuzzIT {

    static final int FRAMES = Integer.getInteger("parley.fuzz.it-frames", 150);

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static Archive<?> deployment() {
        return Deployments.parley();
    }

    @Test
    void fuzzedFramesGetAnEventOrADocumentedCloseAndNeighboursSeeNothing() {
        new EndpointFuzz(base, FuzzWebSocketTest::malformed, 65_536, 12).run(FrameMutator.seed(), FRAMES);
    }
}
