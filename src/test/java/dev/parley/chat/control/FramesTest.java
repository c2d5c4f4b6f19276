package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.entity.Event;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static final Jsonb JSONB = JsonbBuilder.create();

    /** What JSON-B writes for it, with lone surrogates escaped as {@link Frames#encode} does for every event. */
    private static String byJsonb(Event event) {
        return Frames.escapeLoneSurrogates(JSONB.toJson(event));
    }

    @Test
    void theWelcomeIsTheTextJsonbWrites() {
        StringBuilder every = new StringBuilder();
        IntStream.range(0, 0x3000).forEach(c -> every.append((char) c));
        List<String> awkward = List.of(
                "alice",
                "",
                every.toString(),
                "quote\" back\\slash / slash",
                "\u2028\u2029\u007f\u0085\ufeff",
                "emoji \ud83d\ude00",
                "lone \ud83d high",
                "lone \ude00 low",
                "\ud800");
        for (String text : awkward) {
            Event.Welcome guest = new Event.Welcome(Event.PROTOCOL, text, text + "token", List.of("general", text));
            assertEquals(byJsonb(guest), Frames.encode(guest));
            Event.Welcome account = new Event.Welcome(Event.PROTOCOL, text, null, List.of(text));
            assertEquals(byJsonb(account), Frames.encode(account));
        }
        List<String> many = new ArrayList<>();
        IntStream.range(0, ChatLimits.ROOMS_LISTED).forEach(i -> many.add("room-" + i));
        Event.Welcome full = new Event.Welcome(Event.PROTOCOL, "bob", "t", many);
        assertEquals(byJsonb(full), Frames.encode(full));
        Event.Welcome empty = new Event.Welcome(Event.PROTOCOL, "bob", "t", List.of(), List.of());
        assertEquals(byJsonb(empty), Frames.encode(empty));
        assertEquals(
                "{\"type\":\"welcome\",\"features\":[\"deleted\",\"guest\",\"batch\",\"membership\",\"mention\",\"conversations\",\"files\"],\"protocol\":1,"
                        + "\"resume\":\"r\",\"rooms\":[\"general\"],\"user\":\"alice\"}",
                Frames.encode(new Event.Welcome(Event.PROTOCOL, "alice", "r", List.of("general"))));
        Event.Welcome withFiles =
                new Event.Welcome(Event.PROTOCOL, "alice", null, List.of(), new Event.Welcome.Files(10_485_760, 10, 2));
        assertEquals(byJsonb(withFiles), Frames.encode(withFiles));
        assertEquals(
                "{\"type\":\"welcome\",\"features\":[\"files\"],\"files\":{\"maxBytes\":10485760,\"maxPerMessage\":10,\"uploadsAtOncePerUser\":2},"
                        + "\"protocol\":1,\"rooms\":[],\"user\":\"alice\"}",
                Frames.encode(new Event.Welcome(
                        Event.PROTOCOL, "alice", null, List.of(), List.of("files"), withFiles.files())));
        assertEquals(
                "{\"type\":\"welcome\",\"features\":[],\"protocol\":1,\"rooms\":[],\"user\":\"alice\"}",
                Frames.encode(
                        new Event.Welcome(Event.PROTOCOL, "alice", null, List.of(), List.of(), withFiles.files())),
                "no files without the files feature");
    }
}
