package dev.parley.cluster.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import dev.parley.chat.entity.OperatorAction;
import dev.parley.chat.entity.Relayed;
import dev.parley.cluster.entity.Hint;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HintsTest {

    @Test
    void aStoredMessageCrossesTheBusWhole() {
        Event.Message message = new Event.Message(
                "lobby",
                42,
                new Identity("ann", false),
                "x \"quoted\" \u2028 ✓",
                Instant.parse("2026-12-05T03:04:05.678Z"),
                null);

        Hint back = Hints.decode(Hints.encode(new Hint.Stored(message))).orElseThrow();

        assertEquals(new Hint.Stored(message), back);
    }

    @Test
    void aMessagesFilesCrossTheBusWithIt() {
        Event.Message message = new Event.Message("lobby", 8, "ann", "", Instant.EPOCH, null, null, null)
                .withFiles(List.of(
                        Attachment.of("Zk3q9Vx0Qm7c4b8wT2s1Yg", "shot.png", "image/png", 48213, 1280, 720),
                        Attachment.of("q2V0aW5nLWZpbGUtaWQtMA", "build \"1\".log", "text/plain", 5120, 0, 0)));

        assertEquals(
                new Hint.Stored(message),
                Hints.decode(Hints.encode(new Hint.Stored(message))).orElseThrow());
    }

    @Test
    void aDeletedMessageKeepsItsFlag() {
        Event.Message deleted = new Event.Message("lobby", 7, "bob", "", Instant.EPOCH, null, Boolean.TRUE, null);

        assertEquals(
                new Hint.Stored(deleted),
                Hints.decode(Hints.encode(new Hint.Stored(deleted))).orElseThrow());
    }

    @Test
    void aDeletionCrossesTheBus() {
        Hint deleted = new Hint.Deleted("lobby", 12);

        assertEquals(deleted, Hints.decode(Hints.encode(deleted)).orElseThrow());
    }

    @Test
    void anOperatorsActionsCrossTheBus() {
        for (OperatorAction action : List.of(
                new OperatorAction.RestrictionsChanged(),
                new OperatorAction.Kicked("lobby", "g:mallory", "spam \"again\""),
                new OperatorAction.Kicked("lobby", "a:ops", null),
                new OperatorAction.Announced(null, "maintenance at 18:00"),
                new OperatorAction.Announced("lobby", "be nice"),
                new OperatorAction.RoomDeleted("old", "the room was deleted: gone"))) {
            Hint hint = new Hint.Operator(action);

            assertEquals(hint, Hints.decode(Hints.encode(hint)).orElseThrow());
        }
    }

    @Test
    void whatChatRelaysCrossesTheBus() {
        Event.Whisper whisper =
                new Event.Whisper("ann", "Bob", "psst \"x\"", Instant.parse("2026-12-05T07:00:00.123Z"), null);
        for (Relayed relayed : List.of(
                new Relayed.Whispered(whisper, "g:ann", "a:bob"),
                new Relayed.Typed("lobby", "g:ann", "ann"),
                new Relayed.MarkerMoved("a:ann", new Event.Read("lobby", 7, 2), new Event.Receipt("lobby", "Ann", 7)),
                new Relayed.MarkerMoved("a:ann", new Event.Read("lobby", 7, 2), null),
                new Relayed.MarkerMoved("a:ann", new Event.Read("lobby", 7, 2, 1L), null),
                new Relayed.LeftKept("lobby", "a:ann"),
                new Relayed.Invited(
                        "a:bob", new Event.Invited("~k3v9x0q2m7c4b8wz", "private", "Plans", null, "bob", "Ann"), true),
                new Relayed.Invited(
                        "a:bob", new Event.Invited("~k3v9x0q2m7c4b8wz", "direct", null, "Ann", "bob", "Ann"), false),
                new Relayed.Resumed("g:ann"))) {
            Hint hint = new Hint.Relay(relayed);

            assertEquals(hint, Hints.decode(Hints.encode(hint)).orElseThrow());
        }
    }

    /** As the presence scripts write it with Redis's cjson: keys in any order. */
    @Test
    void aPresenceChangeFromRedisIsRead() {
        assertEquals(
                new Hint.Presence("lobby", "g:bob", "Bob", true),
                Hints.decode("{\"joined\":true,\"kind\":\"presence\",\"name\":\"Bob\",\"room\":\"lobby\","
                                + "\"user\":\"g:bob\"}")
                        .orElseThrow());
        Hint left = new Hint.Presence("lobby", "a:ann", "ann", false);
        assertEquals(left, Hints.decode(Hints.encode(left)).orElseThrow());
    }

    @Test
    void whatThisNodeDoesNotUnderstandIsSkipped() {
        assertTrue(Hints.decode("{\"kind\":\"from-a-newer-node\",\"x\":1}").isEmpty());
        assertTrue(Hints.decode("not json").isEmpty());
        assertTrue(Hints.decode("{\"kind\":\"stored\"}").isEmpty());
        assertTrue(Hints.decode("[]").isEmpty());
        assertTrue(Hints.decode("{\"kind\":\"deleted\",\"room\":\"lobby\"}").isEmpty());
        assertTrue(Hints.decode("{\"kind\":\"kicked\",\"room\":\"lobby\"}").isEmpty());
    }
}
