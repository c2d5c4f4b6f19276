package dev.parley.chat.boundary;

import dev.parley.chat.control.ChatFixture;
import java.net.URL;
import java.util.Map;
import org.glassfish.tyrus.server.Server;

/**
 * {@link ChatEndpoint} in an embedded Tyrus server, its collaborators from a {@link ChatFixture} with the given
 * settings. On a free port: Tyrus takes port 0 as its default 8025, which builds running side by side collided on.
 */
final class EmbeddedChat implements AutoCloseable {

    final Server server;
    final URL base;

    EmbeddedChat(Map<String, String> settings) throws Exception {
        ChatEndpointProvider.fixture = new ChatFixture(settings);
        // -1: a free port (Tyrus reads 0 as its fixed default 8025)
        server = new Server("localhost", -1, "/", Map.of(), ChatEndpoint.class);
        server.start();
        base = new URL("http://localhost:" + server.getPort() + "/");
    }

    @Override
    public void close() throws InterruptedException {
        server.stop();
        ChatEndpointProvider.fixture.close();
    }
}
