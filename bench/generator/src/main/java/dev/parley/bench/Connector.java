package dev.parley.bench;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Opens a {@link Client}'s WebSocket: {@code --client jdk} (the JDK's {@code HttpClient}, default) or {@code lean}. */
interface Connector {

    CompletableFuture<Client> connect(URI uri, int index, String name, String room, Client.Handler handler);

    static Connector of(Options options) {
        return switch (options.string("client", "jdk")) {
            case "jdk" -> Client::connect;
            case "lean" -> LeanClient.shared();
            default -> throw new IllegalArgumentException("--client is jdk or lean");
        };
    }
}
