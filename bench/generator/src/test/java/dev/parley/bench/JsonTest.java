package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void aBatchedFrameGivesItsEventsInOrder() {
        String first = "{\"type\":\"message\",\"room\":\"r\",\"seq\":1,\"text\":\"b 1 1 {]}[ \\\" \\\\\"}";
        String second = "{\"type\":\"presence\",\"room\":\"r\",\"joined\":[\"a\",\"b\"],\"left\":[]}";
        String third = "{\"type\":\"message\",\"room\":\"r\",\"seq\":2,\"meta\":{\"x\":[1,{}]}}";
        List<String> events = new ArrayList<>();
        Json.elements("[" + first + ", " + second + ",\n" + third + "]", events::add);
        assertEquals(List.of(first, second, third), events);
        assertEquals(2, Json.number(events.get(2), "seq"));
    }

    @Test
    void anEmptyArrayHasNoEventsAndACutOneIsRefused() {
        List<String> events = new ArrayList<>();
        Json.elements("[]", events::add);
        assertEquals(List.of(), events);
        assertThrows(IllegalArgumentException.class, () -> Json.elements("[{\"type\":\"message\"", events::add));
    }

    @Test
    void aClientHandsEachEventOfABatchToItsHandlerAndASingleEventAsIs() {
        List<String> frames = new ArrayList<>();
        Client cut = new Client(0, "n", "r", (client, frame) -> frames.add(frame));
        cut.receive("[{\"seq\":1},{\"seq\":2}]");
        cut.receive("{\"seq\":3}");
        assertEquals(List.of("{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}"), frames);
    }
}
