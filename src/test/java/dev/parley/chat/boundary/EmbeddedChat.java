package dev.parley.chat.boundary;

import dev.parley.chat.control.ChatFixture;
import org.glassfish.tyrus.server.Server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.util.Map;

/**
 * {@link ChatEndpoint} in an embedded Tyrus server, its collaborators from a {@link ChatFixture} with the given
 * settings. On a free port: Tyrus takes port 0 as its default 8025, which builds running side by side collided on.
 */
final class EmbeddedChat implements AutoCloseable {

    final Server server;
    final URL base;

    EmbeddedChat(Map<String, String> settings) throws Exception {
        ChatEndpointProvider.fixture = new ChatFixture(settings);
        int port = freePort();
        server = new Server("localhost", port, "/", Map.of(), ChatEndpoint.class);
        server.start();
        base = new URL("http://localhost:" + port + "/");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("localhost", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop();
        ChatEndpointProvider.fixture.close();
    }
}
