package dev.parley.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.parley.chat.entity.Command;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventEncoderTest {

    static final Instant AT = Instant.parse("2026-11-21T23:59:01.123Z");
    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");

    EventEncoder cut;

    @BeforeEach
    void init() {
        cut = new EventEncoder();
    }

    static Stream<Arguments> aliases() {
        Event.Message message = new Event.Message("general", 1, "alice", "hi", AT, null);
        return Stream.of(
                arguments(new Event.Welcome(Event.PROTOCOL, "alice", "token", List.of("general")), "welcome"),
                arguments(new Event.Joined("general", List.of("alice"), 1, List.of(), 0), "joined"),
                arguments(new Event.Left("general", null, null), "left"),
                arguments(new Event.Presence("general", List.of("bob"), List.of()), "presence"),
                arguments(message, "message"),
                arguments(new Event.Whisper("alice", "bob", "psst", AT, null), "whisper"),
                arguments(new Event.Typing("general", "alice"), "typing"),
                arguments(new Event.History("general", List.of(message), false), "history"),
                arguments(new Event.Notice("maintenance at noon", null), "notice"),
                arguments(Event.Error.of(ErrorCode.BAD_REQUEST, "not JSON"), "error"));
    }

    @ParameterizedTest
    @MethodSource("aliases")
    void everyEventCarriesItsTypeAlias(Event event, String alias) {
        assertEquals(alias, parse(cut.encode(event)).getString("type"));
    }

    @Test
    void loneSurrogatesAreEscapedAndPairsKept() {
        String json = cut.encode(new Event.Left("\udc00a\ud83d\ude00b\ud800", null, null));
        assertTrue(json.chars().noneMatch(c -> Character.isSurrogate((char) c) && c != 0xd83d && c != 0xde00), json);
        assertTrue(json.contains("\\udc00a\ud83d\ude00b\\ud800"), json);
        assertEquals("\udc00a\ud83d\ude00b\ud800", parse(json).getString("room"));
    }

    @Test
    void welcome() {
        JsonObject json =
                parse(cut.encode(new Event.Welcome(Event.PROTOCOL, "alice", "r3sum3", List.of("general", "random"))));
        assertEquals(Set.of("type", "protocol", "user", "resume", "rooms", "features"), json.keySet());
        assertEquals(1, json.getInt("protocol"));
        assertEquals("alice", json.getString("user"));
        assertEquals("r3sum3", json.getString("resume"));
        assertEquals(List.of("general", "random"), strings(json.getJsonArray("rooms")));
        assertEquals(
                List.of("deleted", "guest", "batch", "membership", "mention", "conversations", "files"),
                strings(json.getJsonArray("features")));
    }

    @Test
    void welcomeOfAnAuthenticatedUserHasNoResume() {
        JsonObject json = parse(cut.encode(new Event.Welcome(Event.PROTOCOL, "alice", null, List.of())));
        assertFalse(json.containsKey("resume"));
        assertEquals(List.of(), strings(json.getJsonArray("rooms")));
    }

    @Test
    void joinedWithHistory() {
        Event.Message first = new Event.Message("general", 6, "bob", "one", AT, null);
        Event.Message second = new Event.Message("general", 7, "alice", "two", AT.plusMillis(1), "my-ref");
        JsonObject json =
                parse(cut.encode(new Event.Joined("general", List.of("alice", "bob"), 2, List.of(first, second), 7)));
        assertEquals(Set.of("type", "room", "members", "count", "history", "last"), json.keySet());
        assertEquals("general", json.getString("room"));
        assertEquals(List.of("alice", "bob"), strings(json.getJsonArray("members")));
        assertEquals(2, json.getInt("count"));
        assertEquals(7, json.getJsonNumber("last").longValueExact());
        JsonArray history = json.getJsonArray("history");
        assertEquals(2, history.size());
        assertMessage(history.getJsonObject(0), "general", 6, "bob", "one", "2026-11-21T23:59:01.123Z", null);
        assertMessage(history.getJsonObject(1), "general", 7, "alice", "two", "2026-11-21T23:59:01.124Z", "my-ref");
    }

    @Test
    void joinedAnEmptyRoom() {
        JsonObject json = parse(cut.encode(new Event.Joined("general", List.of("alice"), 1, List.of(), 0)));
        assertEquals(0, json.getJsonArray("history").size());
        assertEquals(0, json.getInt("last"));
    }

    @Test
    void left() {
        JsonObject json = parse(cut.encode(new Event.Left("general", null, null)));
        assertEquals(Set.of("type", "room"), json.keySet());

        JsonObject kicked = parse(cut.encode(new Event.Left("general", "kicked", "be nice")));
        assertEquals("kicked", kicked.getString("reason"));
        assertEquals("be nice", kicked.getString("text"));
    }

    @Test
    void presence() {
        JsonObject json = parse(cut.encode(new Event.Presence("general", List.of("bob", "carol"), List.of("dave"))));
        assertEquals("general", json.getString("room"));
        assertEquals(List.of("bob", "carol"), strings(json.getJsonArray("joined")));
        assertEquals(List.of("dave"), strings(json.getJsonArray("left")));
    }

    @Test
    void messageWithoutRef() {
        JsonObject json = parse(cut.encode(new Event.Message("general", 42, "alice", "hello", AT, null)));
        assertEquals("message", json.getString("type"));
        assertMessage(json, "general", 42, "alice", "hello", "2026-11-21T23:59:01.123Z", null);
        assertEquals(Set.of("type", "room", "seq", "from", "text", "at"), json.keySet());
    }

    @Test
    void aGuestsMessageSaysSoAndAnAccountsDoesNot() {
        JsonObject guests =
                parse(cut.encode(new Event.Message("general", 1, new Identity("ops", false), "hello", AT, null)));
        JsonObject accounts =
                parse(cut.encode(new Event.Message("general", 2, new Identity("ops", true), "hello", AT, null)));

        assertTrue(guests.getBoolean("guest"));
        assertEquals(Set.of("type", "room", "seq", "from", "text", "at"), accounts.keySet());
        assertTrue(parse(cut.encode(
                        new Event.Message("general", 1, new Identity("ops", false), "x", AT, null).redacted()))
                .getBoolean("guest"));
    }

    @Test
    void messageWithRef() {
        JsonObject json = parse(cut.encode(new Event.Message("general", 42, "alice", "hello", AT, "6f1c")));
        assertMessage(json, "general", 42, "alice", "hello", "2026-11-21T23:59:01.123Z", "6f1c");
    }

    @Test
    void seqBeyondIntRangeIsExact() {
        long seq = (1L << 53) + 1;
        JsonObject json = parse(cut.encode(new Event.Message("general", seq, "alice", "hi", AT, null)));
        assertEquals(seq, json.getJsonNumber("seq").longValueExact());
    }

    @Test
    void whisper() {
        JsonObject json = parse(cut.encode(new Event.Whisper("alice", "bob", "psst", AT, null)));
        assertEquals(Set.of("type", "from", "to", "text", "at"), json.keySet());
        assertEquals("alice", json.getString("from"));
        assertEquals("bob", json.getString("to"));
        assertEquals("psst", json.getString("text"));
        assertEquals("2026-11-21T23:59:01.123Z", json.getString("at"));

        JsonObject echo = parse(cut.encode(new Event.Whisper("alice", "bob", "psst", AT, "w-1")));
        assertEquals("w-1", echo.getString("ref"));
    }

    @Test
    void typing() {
        JsonObject json = parse(cut.encode(new Event.Typing("general", "alice")));
        assertEquals(Set.of("type", "room", "user"), json.keySet());
        assertEquals("general", json.getString("room"));
        assertEquals("alice", json.getString("user"));
    }

    @Test
    void history() {
        Event.Message mine = new Event.Message("general", 3, "alice", "mine", AT, "ref-3");
        Event.Message theirs = new Event.Message("general", 4, "bob", "theirs", AT, null);
        JsonObject json = parse(cut.encode(new Event.History("general", List.of(mine, theirs), true)));
        assertEquals(Set.of("type", "room", "messages", "more"), json.keySet());
        assertEquals("general", json.getString("room"));
        assertTrue(json.getBoolean("more"));
        JsonArray messages = json.getJsonArray("messages");
        assertMessage(messages.getJsonObject(0), "general", 3, "alice", "mine", "2026-11-21T23:59:01.123Z", "ref-3");
        assertMessage(messages.getJsonObject(1), "general", 4, "bob", "theirs", "2026-11-21T23:59:01.123Z", null);

        JsonObject last = parse(cut.encode(new Event.History("general", List.of(), false)));
        assertFalse(last.getBoolean("more"));
        assertEquals(0, last.getJsonArray("messages").size());
    }

    @Test
    void notice() {
        JsonObject everyone = parse(cut.encode(new Event.Notice("restart at noon", null)));
        assertEquals(Set.of("type", "text"), everyone.keySet());
        assertEquals("restart at noon", everyone.getString("text"));

        JsonObject room = parse(cut.encode(new Event.Notice("be nice", "general")));
        assertEquals("general", room.getString("room"));
    }

    @Test
    void errorWithoutCommand() {
        JsonObject json = parse(cut.encode(Event.Error.of(ErrorCode.NAME_TAKEN, "alice is connected")));
        assertEquals(Set.of("type", "code", "message"), json.keySet());
        assertEquals("name_taken", json.getString("code"));
        assertEquals("alice is connected", json.getString("message"));
    }

    @Test
    void errorAboutACommandNamesItAsFor() {
        Event.Error error =
                Event.Error.of(ErrorCode.REF_CONFLICT, "ref reused").about(new Command.Say("general", "hi", "r-9"));
        JsonObject json = parse(cut.encode(error));
        assertEquals(Set.of("type", "code", "message", "for", "room", "ref"), json.keySet());
        assertEquals("say", json.getString("for"));
        assertEquals("general", json.getString("room"));
        assertEquals("r-9", json.getString("ref"));
        assertEquals("ref_conflict", json.getString("code"));

        JsonObject whisper = parse(cut.encode(Event.Error.of(ErrorCode.USER_UNKNOWN, "bob is not online")
                .about(new Command.Whisper("bob", "hi", null))));
        assertEquals("whisper", whisper.getString("for"));
        assertEquals("bob", whisper.getString("to"));
        assertFalse(whisper.containsKey("room"));
    }

    @Test
    void errorAboutAMalformedFrameHasNoFor() {
        JsonObject json = parse(cut.encode(
                Event.Error.of(ErrorCode.BAD_REQUEST, "not JSON").about(new Command.Malformed(null, "not JSON"))));
        assertEquals(Set.of("type", "code", "message"), json.keySet());
    }

    static Stream<Arguments> timestamps() {
        return Stream.of(
                arguments("2026-11-21T23:59:01Z", "2026-11-21T23:59:01.000Z"),
                arguments("2026-11-21T23:59:01.100Z", "2026-11-21T23:59:01.100Z"),
                arguments("2026-11-21T23:59:01.123Z", "2026-11-21T23:59:01.123Z"),
                arguments("2026-11-21T23:59:01.000000001Z", "2026-11-21T23:59:01.000Z"),
                arguments("2026-11-21T23:59:01.123456789Z", "2026-11-21T23:59:01.123Z"),
                arguments("2026-12-31T23:59:59.999999999Z", "2026-12-31T23:59:59.999Z"),
                arguments("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"),
                arguments("2026-03-29T01:30:00.5Z", "2026-03-29T01:30:00.500Z"));
    }

    @ParameterizedTest
    @MethodSource("timestamps")
    void timestampsHaveExactlyThreeFractionDigitsInUtc(String instant, String expected) {
        Instant at = Instant.parse(instant);
        String message = cut.encode(new Event.Message("general", 1, "alice", "hi", at, null));
        String whisper = cut.encode(new Event.Whisper("alice", "bob", "hi", at, null));
        assertTrue(message.contains("\"at\":\"" + expected + "\""), message);
        assertTrue(whisper.contains("\"at\":\"" + expected + "\""), whisper);
        assertTrue(TIMESTAMP.matcher(parse(message).getString("at")).matches());
    }

    @Test
    void textIsEscapedAndComesBackExactly() {
        String text = "quote \" backslash \\ nl \n tab \t ls \u2028 emoji \uD83D\uDE00 漢字 </script>";
        String json = cut.encode(new Event.Message("general", 1, "alice", text, AT, null));
        assertFalse(json.contains("\n"), "one line per frame");
        assertEquals(text, parse(json).getString("text"));
    }

    @Test
    void encodesWithoutACheckedException() {
        Event event = new Event.Typing("general", "alice");
        String once = cut.encode(event);
        assertEquals(once, new EventEncoder().encode(event), "encoding is deterministic: encode once, send many");
    }

    static void assertMessage(JsonObject json, String room, long seq, String from, String text, String at, String ref) {
        assertEquals(room, json.getString("room"));
        assertEquals(seq, json.getJsonNumber("seq").longValueExact());
        assertEquals(from, json.getString("from"));
        assertEquals(text, json.getString("text"));
        assertEquals(at, json.getString("at"));
        if (ref == null) {
            assertFalse(json.containsKey("ref"), () -> "no ref expected in " + json);
        } else {
            assertEquals(ref, json.getString("ref"));
        }
        if (json.containsKey("type")) {
            assertEquals("message", json.getString("type"));
        }
        assertTrue(
                Set.of("type", "room", "seq", "from", "text", "at", "ref").containsAll(json.keySet()), json::toString);
    }

    static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
    }
}
