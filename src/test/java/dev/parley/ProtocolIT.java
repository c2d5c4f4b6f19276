package dev.parley;

import static dev.parley.testing.ChatClient.strings;
import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Protocol v1 (the shared protocol.md) against the real WAR on a real server: commands, replies, fan-out of one
 * room, whispers, typing, idempotent {@code say} and the error replies. Every test uses its own users and rooms,
 * so tests do not see each other through the shared server state.
 */
class ProtocolIT extends DeployedParley {

    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");

    @Test
    void theExampleOfTheProtocolWorksEndToEnd() {
        String room = unique("example");
        String ref = ChatClient.ref();
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            bob.join(room);

            alice.command("join", "room", room);
            JsonObject joined = alice.next();
            assertAll(
                    () -> assertEquals("joined", joined.getString("type")),
                    () -> assertEquals(room, joined.getString("room")),
                    () -> assertEquals(List.of(alice.user(), bob.user()), strings(joined, "members")),
                    () -> assertEquals(2, joined.getInt("count")),
                    () -> assertTrue(joined.getJsonArray("history").isEmpty()),
                    () -> assertEquals(0, joined.getJsonNumber("last").longValue()));

            alice.say(room, "hello", ref);
            JsonObject own = alice.next();
            assertAll(
                    () -> assertEquals("message", own.getString("type")),
                    () -> assertEquals(room, own.getString("room")),
                    () -> assertEquals(1, own.getJsonNumber("seq").longValue()),
                    () -> assertEquals(alice.user(), own.getString("from")),
                    () -> assertEquals("hello", own.getString("text")),
                    () -> assertTrue(TIMESTAMP.matcher(own.getString("at")).matches(), own.getString("at")),
                    () -> assertEquals(ref, own.getString("ref")));

            JsonObject copy = bob.await("message");
            assertAll(
                    () -> assertEquals(room, copy.getString("room")),
                    () -> assertEquals(1, copy.getJsonNumber("seq").longValue()),
                    () -> assertEquals(alice.user(), copy.getString("from")),
                    () -> assertEquals("hello", copy.getString("text")),
                    () -> assertEquals(own.getString("at"), copy.getString("at")),
                    () -> assertFalse(copy.containsKey("ref"), "bob's copy carries alice's ref: " + copy));

            alice.command("history", "room", room, "after", 0);
            JsonObject history = alice.next();
            assertEquals("history", history.getString("type"), history::toString);
            assertEquals(room, history.getString("room"));
            assertFalse(history.getBoolean("more"));
            List<JsonObject> items = history.getJsonArray("messages").getValuesAs(JsonObject.class);
            assertEquals(1, items.size(), history::toString);
            JsonObject item = items.get(0);
            assertAll(
                    () -> assertEquals("message", item.getString("type", "message")),
                    () -> assertEquals(room, item.getString("room")),
                    () -> assertEquals(1, item.getJsonNumber("seq").longValue()),
                    () -> assertEquals(alice.user(), item.getString("from")),
                    () -> assertEquals("hello", item.getString("text")),
                    () -> assertEquals(own.getString("at"), item.getString("at")),
                    () -> assertEquals(ref, item.getString("ref")));

            bob.command("history", "room", room, "after", 0);
            JsonObject bobsHistory = bob.await("history");
            JsonObject bobsItem = bobsHistory.getJsonArray("messages").getJsonObject(0);
            assertFalse(bobsItem.containsKey("ref"), "bob sees alice's ref in history: " + bobsItem);
        }
    }

    @Test
    void welcomeComesFirstWithProtocolUserResumeTokenAndOpenRooms() {
        String name = "Mixed." + unique("Case_x");
        try (ChatClient client = ChatClient.connect(ChatClient.chatUri(base, "name=" + name))) {
            JsonObject welcome = client.next();
            assertAll(
                    () -> assertEquals("welcome", welcome.getString("type")),
                    () -> assertEquals(1, welcome.getInt("protocol")),
                    () -> assertEquals(name, welcome.getString("user"), "the name is shown as given"),
                    () -> assertFalse(welcome.getString("resume", "").isBlank(), "a guest gets a resume token"),
                    () -> assertTrue(strings(welcome, "rooms").contains("general"), welcome::toString),
                    () -> assertTrue(strings(welcome, "rooms").size() <= 200, "at most 200 rooms"));
        }
    }

    @Test
    void joiningARoomAlreadyJoinedRepliesJoinedAgainWithoutPresence() {
        String room = unique("again");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.await("presence");

            JsonObject again = bob.join(room);
            assertEquals(List.of(alice.user(), bob.user()), strings(again, "members"));
            assertEquals(2, again.getInt("count"), "joining twice does not count twice");

            bob.post(room, "after joining again");
            List<JsonObject> seen = alice.until(frame -> "message".equals(frame.getString("type")), "bob's message");
            assertEquals(1, seen.size(), "alice got something before bob's message: " + seen);
        }
    }

    @Test
    void aSayIsBroadcastToEveryMemberOnlyWhileJoined() {
        String room = unique("fanout");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"));
                ChatClient carol = ChatClient.open(base, unique("carol"))) {
            alice.join(room);
            bob.join(room);
            carol.join(room);

            JsonObject first = alice.post(room, "one");
            assertEquals(first.getJsonNumber("seq"), bob.await("message").getJsonNumber("seq"));
            assertEquals(first.getJsonNumber("seq"), carol.await("message").getJsonNumber("seq"));

            bob.leave(room);
            JsonObject second = alice.post(room, "two");
            assertEquals(second.getJsonNumber("seq"), carol.await("message").getJsonNumber("seq"));
            assertEquals(
                    first.getJsonNumber("seq").longValue() + 1,
                    second.getJsonNumber("seq").longValue());
            assertTrue(ChatClient.seqs(bob.sync()).isEmpty(), "bob got a message after leaving");
        }
    }

    @Test
    void aRetriedSayWithTheSameRefIsAnsweredWithTheStoredMessageAndNotBroadcastAgain() {
        String room = unique("retry");
        String ref = ChatClient.ref();
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.say(room, "once only", ref);
            JsonObject stored = alice.awaitOwn(ref);
            assertEquals(stored.getJsonNumber("seq"), bob.await("message").getJsonNumber("seq"));

            alice.say(room, "once only", ref);
            JsonObject repeated = alice.awaitOwn(ref);
            assertAll(
                    () -> assertEquals(stored.getJsonNumber("seq"), repeated.getJsonNumber("seq")),
                    () -> assertEquals(stored.getString("text"), repeated.getString("text")),
                    () -> assertEquals(stored.getString("at"), repeated.getString("at")),
                    () -> assertEquals(ref, repeated.getString("ref")));

            JsonObject marker = alice.post(room, "marker");
            assertEquals(
                    stored.getJsonNumber("seq").longValue() + 1,
                    marker.getJsonNumber("seq").longValue(),
                    "the retry took a seq");
            JsonObject bobsNext = bob.await("message");
            assertEquals("marker", bobsNext.getString("text"), "bob got the retried message twice");

            alice.leave(room);
            alice.say(room, "once only", ref);
            JsonObject afterLeaving = alice.awaitOwn(ref);
            assertEquals(
                    stored.getJsonNumber("seq"),
                    afterLeaving.getJsonNumber("seq"),
                    "a retry is answered even after leaving the room");
        }
    }

    @Test
    void aStoredRefWithAnotherTextIsARefConflict() {
        String room = unique("conflict");
        String ref = ChatClient.ref();
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.say(room, "first text", ref);
            alice.awaitOwn(ref);
            bob.await("message");

            alice.say(room, "second text", ref);
            JsonObject error = alice.next();
            assertError(error, "ref_conflict", "say");
            assertEquals(room, error.getString("room"));
            assertEquals(ref, error.getString("ref"));

            alice.post(room, "marker");
            assertEquals("marker", bob.await("message").getString("text"), "the conflicting say was broadcast");
        }
    }

    @Test
    void theSameRefFromAnotherUserIsANewMessage() {
        String room = unique("refs");
        String ref = ChatClient.ref();
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.say(room, "same", ref);
            JsonObject fromAlice = alice.awaitOwn(ref);
            bob.say(room, "same", ref);
            JsonObject fromBob = bob.awaitOwn(ref);
            assertNotEquals(fromAlice.getJsonNumber("seq"), fromBob.getJsonNumber("seq"));
            assertEquals(bob.user(), fromBob.getString("from"));
        }
    }

    @Test
    void aWhisperReachesTheRecipientAndEchoesToTheSenderOnly() {
        String room = unique("whisper");
        String ref = ChatClient.ref();
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"));
                ChatClient carol = ChatClient.open(base, unique("carol"))) {
            alice.join(room);
            carol.join(room);

            alice.command("whisper", "to", bob.user(), "text", "psst", "ref", ref);
            JsonObject received = bob.next();
            assertAll(
                    () -> assertEquals("whisper", received.getString("type")),
                    () -> assertEquals(alice.user(), received.getString("from")),
                    () -> assertEquals(bob.user(), received.getString("to")),
                    () -> assertEquals("psst", received.getString("text")),
                    () -> assertTrue(TIMESTAMP.matcher(received.getString("at")).matches(), received::toString),
                    () -> assertFalse(received.containsKey("ref"), "the recipient sees the sender's ref"));
            JsonObject echo = alice.await("whisper");
            assertAll(
                    () -> assertEquals(alice.user(), echo.getString("from")),
                    () -> assertEquals(bob.user(), echo.getString("to")),
                    () -> assertEquals("psst", echo.getString("text")),
                    () -> assertEquals(ref, echo.getString("ref")));

            alice.post(room, "marker");
            List<JsonObject> carolSaw = carol.until(frame -> "message".equals(frame.getString("type")), "marker");
            assertTrue(
                    carolSaw.stream().noneMatch(frame -> "whisper".equals(frame.getString("type"))),
                    "a third user got the whisper: " + carolSaw);
        }
    }

    @Test
    void aWhisperToAUserWhoIsNotOnlineIsUserUnknown() {
        String nobody = unique("nobody");
        try (ChatClient alice = ChatClient.open(base, unique("alice"))) {
            alice.command("whisper", "to", nobody, "text", "anyone?", "ref", ChatClient.ref());
            JsonObject error = alice.next();
            assertError(error, "user_unknown", "whisper");
            assertEquals(nobody, error.getString("to"));
        }
    }

    @Test
    void typingGoesToTheOtherMembersOnlyAndAtMostOnceInTwoSeconds() {
        String room = unique("typing");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(room);
            bob.join(room);
            alice.await("presence");

            alice.command("typing", "room", room);
            JsonObject typing = bob.next();
            assertAll(
                    () -> assertEquals("typing", typing.getString("type")),
                    () -> assertEquals(room, typing.getString("room")),
                    () -> assertEquals(alice.user(), typing.getString("user")));
            assertTrue(alice.sync().isEmpty(), "the typist got something back");

            alice.command("typing", "room", room);
            alice.post(room, "marker");
            JsonObject afterSecondTyping = bob.next();
            assertEquals(
                    "message",
                    afterSecondTyping.getString("type"),
                    "a second typing within 2 s was forwarded: " + afterSecondTyping);

            bob.command("typing", "room", room);
            JsonObject bobTyping = alice.next();
            assertEquals("typing", bobTyping.getString("type"), "the throttle is per user: " + bobTyping);
            assertEquals(bob.user(), bobTyping.getString("user"));
        }
    }

    @Test
    void malformedFramesAreBadRequestsAndTheConnectionCarriesOn() {
        String room = unique("bad");
        try (ChatClient client = ChatClient.open(base, unique("eve"))) {
            client.send("this is not json");
            assertError(client.next(), "bad_request", null);
            client.send("[1,2,3]");
            assertError(client.next(), "bad_request", null);
            client.send("{\"room\":\"general\"}");
            assertError(client.next(), "bad_request", null);
            client.send("{\"type\":\"dance\",\"room\":\"general\"}");
            assertError(client.next(), "bad_request", null);
            client.send("{\"type\":\"join\",\"room\":\"" + room + "\"} trailing");
            assertError(client.next(), "bad_request", null);

            client.send("{\"type\":\"join\",\"room\":42}");
            assertError(client.next(), "bad_request", "join");
            client.send("{\"type\":\"join\"}");
            assertError(client.next(), "bad_request", "join");
            client.send("{\"type\":\"join\",\"room\":null}");
            assertError(client.next(), "bad_request", "join");

            JsonObject joined = client.join(room);
            assertEquals(room, joined.getString("room"), "the connection still works");

            client.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":[\"hi\"]}");
            assertError(client.next(), "bad_request", "say");
            client.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"hi\",\"ref\":7}");
            assertError(client.next(), "bad_request", "say");
            client.send(
                    "{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"hi\",\"ref\":\"" + "r".repeat(65) + "\"}");
            JsonObject longRef = client.next();
            assertEquals("error", longRef.getString("type"), "a ref over 64 characters is refused: " + longRef);
            assertEquals("say", longRef.getString("for", null), longRef::toString);
            client.send("{\"type\":\"history\",\"room\":\"" + room + "\",\"after\":\"0\"}");
            assertError(client.next(), "bad_request", "history");
            client.send("{\"type\":\"history\",\"room\":\"" + room + "\",\"before\":10,\"after\":0}");
            assertError(client.next(), "bad_request", "history");
            client.send("{\"type\":\"history\",\"room\":\"" + room + "\"}");
            assertError(client.next(), "bad_request", "history");
            client.send("{\"type\":\"history\",\"room\":\"" + room + "\",\"after\":0,\"limit\":\"5\"}");
            assertError(client.next(), "bad_request", "history");
            client.send("{\"type\":\"whisper\",\"to\":false,\"text\":\"hi\"}");
            assertError(client.next(), "bad_request", "whisper");

            client.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"fine\",\"mood\":\"happy\"}");
            assertEquals("fine", client.await("message").getString("text"), "unknown fields are ignored");
        }
    }

    @Test
    void commandsAboutARoomNotJoinedAreNotMember() {
        String joined = unique("mine");
        String other = unique("theirs");
        try (ChatClient alice = ChatClient.open(base, unique("alice"));
                ChatClient bob = ChatClient.open(base, unique("bob"))) {
            alice.join(joined);
            bob.join(other);
            for (String room : List.of(other, unique("nowhere"))) {
                alice.say(room, "hi", ChatClient.ref());
                assertNotMember(alice.next(), "say", room);
                alice.command("typing", "room", room);
                assertNotMember(alice.next(), "typing", room);
                alice.command("history", "room", room, "after", 0);
                assertNotMember(alice.next(), "history", room);
                alice.command("leave", "room", room);
                assertNotMember(alice.next(), "leave", room);
            }
            assertTrue(bob.sync().isEmpty(), "a refused command reached the room");
        }
    }

    @Test
    void roomNamesThatBreakTheRuleAreRoomInvalid() {
        try (ChatClient client = ChatClient.open(base, unique("eve"))) {
            for (String room : List.of(
                    "",
                    "General",
                    "-leading-dash",
                    "_leading",
                    "has space",
                    "dots.not.ok",
                    "r".repeat(33),
                    "caf\u00e9")) {
                client.command("join", "room", room);
                JsonObject error = client.next();
                assertError(error, "room_invalid", "join");
            }
            String longest = unique("x").concat("y".repeat(24));
            assertEquals(32, longest.length());
            assertEquals(longest, client.join(longest).getString("room"), "32 characters are allowed");
            String digitsAndUnderscore = "0_" + unique("d");
            assertEquals(digitsAndUnderscore, client.join(digitsAndUnderscore).getString("room"));
        }
    }

    @Test
    void textIsCheckedInCodePointsAndForForbiddenCharacters() {
        String room = unique("text");
        String emoji = new String(Character.toChars(0x1F600));
        try (ChatClient client = ChatClient.open(base, unique("eve"))) {
            client.join(room);
            assertTextInvalid(client, room, "");
            assertTextInvalid(client, room, "x".repeat(4001));
            assertTextInvalid(client, room, emoji.repeat(4001));
            assertTextInvalid(client, room, "bell\u0007");
            assertTextInvalid(client, room, "nul\u0000");
            assertTextInvalid(client, room, "escape\u001b[31m");

            client.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"lone \\ud800 surrogate\"}");
            assertError(client.next(), "text_invalid", "say");

            assertEquals(
                    4000, client.post(room, "x".repeat(4000)).getString("text").length());
            String emojis = client.post(room, emoji.repeat(4000)).getString("text");
            assertEquals(4000, emojis.codePointCount(0, emojis.length()), "4,000 code points fit");
            assertEquals(
                    "two\nlines\tand a tab",
                    client.post(room, "two\nlines\tand a tab").getString("text"));
        }
    }

    @Test
    void aConnectionMayJoinFiftyRoomsAndNoMore() {
        try (ChatClient client = ChatClient.open(base, unique("eve"))) {
            String prefix = unique("many");
            for (int i = 0; i < 50; i++) {
                client.join(prefix + "-" + i);
            }
            String oneTooMany = prefix + "-50";
            client.command("join", "room", oneTooMany);
            JsonObject error = client.next();
            assertError(error, "limit_exceeded", "join");
            assertEquals(oneTooMany, error.getString("room"));

            client.leave(prefix + "-0");
            assertEquals(oneTooMany, client.join(oneTooMany).getString("room"), "leaving frees a place");
        }
    }

    private static void assertTextInvalid(ChatClient client, String room, String text) {
        String ref = ChatClient.ref();
        client.say(room, text, ref);
        JsonObject error = client.next();
        assertError(error, "text_invalid", "say");
        assertEquals(room, error.getString("room"));
        assertEquals(ref, error.getString("ref"));
    }

    private static void assertNotMember(JsonObject error, String command, String room) {
        assertError(error, "not_member", command);
        assertEquals(room, error.getString("room"), error::toString);
    }

    /** An {@code error} with that code and a message; {@code for} equals the command type when one is given. */
    static void assertError(JsonObject frame, String code, String forType) {
        assertAll(
                frame.toString(),
                () -> assertEquals("error", frame.getString("type")),
                () -> assertEquals(code, frame.getString("code", null)),
                () -> assertFalse(frame.getString("message", "").isBlank(), "an error has a message"),
                () -> {
                    if (forType != null) {
                        assertEquals(forType, frame.getString("for", null));
                    }
                });
    }
}
