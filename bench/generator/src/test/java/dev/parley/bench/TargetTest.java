package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --url} with one URL as before; with several (a cluster's nodes), client i on url[i % n]. */
class TargetTest {

    @Test
    void oneUrlIsEveryClientsUrl() {
        Target target = Target.of(new Options(new String[] {"fanout", "--url", "ws://localhost:8480/chat"}));
        assertEquals(List.of(URI.create("ws://localhost:8480/chat")), target.urls());
        assertEquals(URI.create("ws://localhost:8480/chat?name=a"), target.uri(7, "a", "r"));
        assertEquals(target.uri("a", "r"), target.uri(7, "a", "r"));
        assertEquals(URI.create("http://localhost:8480/"), target.httpBase());
    }

    @Test
    void severalUrlsTakeTheClientsInTurn() {
        Target target = Target.of(new Options(
                new String[] {"fanout", "--url", "ws://localhost:8480/chat, ws://localhost:8530/chat", "--batch", "true"
                }));
        assertEquals(URI.create("ws://localhost:8480/chat"), target.url());
        assertEquals(URI.create("ws://localhost:8480/chat?name=m0&batch=1"), target.uri(0, "m0", "r"));
        assertEquals(URI.create("ws://localhost:8530/chat?name=m1&batch=1"), target.uri(1, "m1", "r"));
        assertEquals(URI.create("ws://localhost:8480/chat?name=m2&batch=1"), target.uri(2, "m2", "r"));
        assertEquals(
                List.of(URI.create("http://localhost:8480/"), URI.create("http://localhost:8530/")),
                target.httpBases());
    }

    @Test
    void rawRoomsAreAPathSegmentOnEachNode() {
        Target target = Target.of(new Options(new String[] {
            "fanout", "--target", "raw", "--url", "ws://localhost:8480/raw/broadcast,ws://localhost:8530/raw/broadcast"
        }));
        assertEquals(URI.create("ws://localhost:8530/raw/broadcast/r"), target.uri(3, "x", "r"));
    }
}
