package dev.parley.cluster.control;

import dev.parley.chat.control.Frames;
import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.OperatorAction;
import dev.parley.chat.entity.Relayed;
import dev.parley.cluster.entity.Hint;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Hints as the bus carries them: {@code {"kind":"stored","message":{…}}} (the message as the protocol's {@code message}
 * event), {@code {"kind":"deleted","room":…,"seq":…}}, and an operator's action: {@code {"kind":"restrictions"}},
 * {@code {"kind":"kicked","room":…,"user":KEY,"reason":…}}, {@code {"kind":"presence","room":…,"user":KEY,"name":…,
 * "joined":true}} (made by the bus's own scripts in Redis, see {@link ClusterBus#hold}), {@code {"kind":"whisper",
 * "whisper":{…},"from":KEY,"to":KEY}} (the whisper as the protocol's event), {@code {"kind":"typing","room":…,
 * "user":KEY,"name":…}}, {@code {"kind":"marker","user":KEY,"room":…,"seq":…,"unread":…,"name":…}} (a read marker
 * moved; {@code name} when it makes a receipt), {@code {"kind":"left_kept","room":…,"user":KEY}}, {@code {"kind":
 * "resumed","user":KEY}} (a guest resumed on the node that sent it), {@code {"kind":"announced","room":…,"text":…}} (no room:
 * everyone) and {@code {"kind":"room_deleted","room":…,"text":…}}. A node that meets a kind it does not know (a newer
 * node's) skips it.
 */
final class Hints {

    static final String STORED = "stored";
    static final String DELETED = "deleted";
    static final String RESTRICTIONS = "restrictions";
    static final String KICKED = "kicked";
    static final String ANNOUNCED = "announced";
    static final String ROOM_DELETED = "room_deleted";
    static final String PRESENCE = "presence";
    static final String WHISPER = "whisper";
    static final String TYPING = "typing";
    static final String MARKER = "marker";
    static final String LEFT_KEPT = "left_kept";
    static final String RESUMED = "resumed";
    static final String INVITED = "invited";

    private static final Jsonb JSONB = JsonbBuilder.create();

    private Hints() {}

    static String encode(Hint hint) {
        if (hint instanceof Hint.Stored stored) {
            return "{\"kind\":\"" + STORED + "\",\"message\":" + Frames.encode(stored.message()) + "}";
        }
        if (hint instanceof Hint.Presence presence) {
            return Json.createObjectBuilder()
                    .add("kind", PRESENCE)
                    .add("room", presence.room())
                    .add("user", presence.userKey())
                    .add("name", presence.name())
                    .add("joined", presence.joined())
                    .build()
                    .toString();
        }
        if (hint instanceof Hint.Relay relay) {
            return relay(relay.relayed());
        }
        if (hint instanceof Hint.Deleted deleted) {
            return Json.createObjectBuilder()
                    .add("kind", DELETED)
                    .add("room", deleted.room())
                    .add("seq", deleted.seq())
                    .build()
                    .toString();
        }
        return operator(((Hint.Operator) hint).action()).build().toString();
    }

    private static String relay(Relayed relayed) {
        if (relayed instanceof Relayed.Whispered whispered) {
            return "{\"kind\":\"" + WHISPER + "\",\"whisper\":" + Frames.encode(whispered.whisper()) + ",\"from\":"
                    + Json.createValue(whispered.fromKey()) + ",\"to\":" + Json.createValue(whispered.toKey()) + "}";
        }
        if (relayed instanceof Relayed.MarkerMoved moved) {
            JsonObjectBuilder json = Json.createObjectBuilder()
                    .add("kind", MARKER)
                    .add("user", moved.userKey())
                    .add("room", moved.read().room())
                    .add("seq", moved.read().seq())
                    .add("unread", moved.read().unread());
            if (moved.read().mentions() != null) {
                json.add("mentions", moved.read().mentions());
            }
            if (moved.receipt() != null) {
                json.add("name", moved.receipt().user());
            }
            return json.build().toString();
        }
        if (relayed instanceof Relayed.Resumed resumed) {
            return Json.createObjectBuilder()
                    .add("kind", RESUMED)
                    .add("user", resumed.userKey())
                    .build()
                    .toString();
        }
        if (relayed instanceof Relayed.Invited invited) {
            return "{\"kind\":\"" + INVITED + "\",\"user\":" + Json.createValue(invited.userKey()) + ",\"invited\":"
                    + Frames.encode(invited.invited()) + ",\"roomToo\":" + invited.roomToo() + "}";
        }
        if (relayed instanceof Relayed.LeftKept left) {
            return Json.createObjectBuilder()
                    .add("kind", LEFT_KEPT)
                    .add("room", left.room())
                    .add("user", left.userKey())
                    .build()
                    .toString();
        }
        Relayed.Typed typed = (Relayed.Typed) relayed;
        return Json.createObjectBuilder()
                .add("kind", TYPING)
                .add("room", typed.room())
                .add("user", typed.userKey())
                .add("name", typed.name())
                .build()
                .toString();
    }

    private static JsonObjectBuilder operator(OperatorAction action) {
        JsonObjectBuilder json = Json.createObjectBuilder();
        if (action instanceof OperatorAction.Kicked kicked) {
            json.add("kind", KICKED).add("room", kicked.room()).add("user", kicked.userKey());
            return kicked.reason() == null ? json : json.add("reason", kicked.reason());
        }
        if (action instanceof OperatorAction.Announced announced) {
            json.add("kind", ANNOUNCED).add("text", announced.text());
            return announced.room() == null ? json : json.add("room", announced.room());
        }
        if (action instanceof OperatorAction.RoomDeleted deleted) {
            return json.add("kind", ROOM_DELETED).add("room", deleted.room()).add("text", deleted.text());
        }
        return json.add("kind", RESTRICTIONS);
    }

    /** The hint, or empty if the text is not one this node understands. */
    static Optional<Hint> decode(String text) {
        try {
            JsonObject hint = Json.createReader(new StringReader(text)).readObject();
            String kind = hint.getString("kind", null);
            if (STORED.equals(kind) && hint.get("message") instanceof JsonObject message) {
                return Optional.of(new Hint.Stored(message(message)));
            }
            if (PRESENCE.equals(kind)) {
                return Optional.of(new Hint.Presence(
                        hint.getString("room"),
                        hint.getString("user"),
                        hint.getString("name"),
                        hint.getBoolean("joined")));
            }
            if (WHISPER.equals(kind) && hint.get("whisper") instanceof JsonObject whisper) {
                return Optional.of(new Hint.Relay(new Relayed.Whispered(
                        new Event.Whisper(
                                whisper.getString("from"),
                                whisper.getString("to"),
                                whisper.getString("text"),
                                Instant.parse(whisper.getString("at")),
                                null),
                        hint.getString("from"),
                        hint.getString("to"))));
            }
            if (MARKER.equals(kind)) {
                String room = hint.getString("room");
                long seq = hint.getJsonNumber("seq").longValueExact();
                String name = hint.getString("name", null);
                return Optional.of(new Hint.Relay(new Relayed.MarkerMoved(
                        hint.getString("user"),
                        new Event.Read(
                                room,
                                seq,
                                hint.getJsonNumber("unread").longValueExact(),
                                hint.containsKey("mentions")
                                        ? hint.getJsonNumber("mentions").longValueExact()
                                        : null),
                        name == null ? null : new Event.Receipt(room, name, seq))));
            }
            if (RESUMED.equals(kind)) {
                return Optional.of(new Hint.Relay(new Relayed.Resumed(hint.getString("user"))));
            }
            if (INVITED.equals(kind) && hint.get("invited") instanceof JsonObject invited) {
                return Optional.of(new Hint.Relay(new Relayed.Invited(
                        hint.getString("user"),
                        new Event.Invited(
                                invited.getString("room"),
                                invited.getString("kind"),
                                invited.getString("title", null),
                                invited.getString("with", null),
                                invited.getString("user"),
                                invited.getString("by")),
                        hint.getBoolean("roomToo"))));
            }
            if (LEFT_KEPT.equals(kind)) {
                return Optional.of(
                        new Hint.Relay(new Relayed.LeftKept(hint.getString("room"), hint.getString("user"))));
            }
            if (TYPING.equals(kind)) {
                return Optional.of(new Hint.Relay(
                        new Relayed.Typed(hint.getString("room"), hint.getString("user"), hint.getString("name"))));
            }
            if (DELETED.equals(kind)) {
                return Optional.of(new Hint.Deleted(
                        hint.getString("room"), hint.getJsonNumber("seq").longValueExact()));
            }
            return operator(kind, hint).map(Hint.Operator::new);
        } catch (JsonException
                | JsonbException
                | ClassCastException
                | NullPointerException
                | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<OperatorAction> operator(String kind, JsonObject hint) {
        if (RESTRICTIONS.equals(kind)) {
            return Optional.of(new OperatorAction.RestrictionsChanged());
        }
        if (KICKED.equals(kind)) {
            return Optional.of(new OperatorAction.Kicked(
                    hint.getString("room"), hint.getString("user"), hint.getString("reason", null)));
        }
        if (ANNOUNCED.equals(kind)) {
            return Optional.of(new OperatorAction.Announced(hint.getString("room", null), hint.getString("text")));
        }
        if (ROOM_DELETED.equals(kind)) {
            return Optional.of(new OperatorAction.RoomDeleted(hint.getString("room"), hint.getString("text")));
        }
        return Optional.empty();
    }

    /** Read field by field: the record has several constructors, which JSON-B cannot choose among. */
    private static Event.Message message(JsonObject json) {
        return new Event.Message(
                json.getString("room"),
                json.getJsonNumber("seq").longValueExact(),
                json.getString("from"),
                json.getString("text"),
                Instant.parse(json.getString("at")),
                null,
                json.getBoolean("deleted", false) ? Boolean.TRUE : null,
                json.getBoolean("guest", false) ? Boolean.TRUE : null,
                json.get("files") instanceof JsonArray files
                        ? List.of(JSONB.fromJson(files.toString(), Attachment[].class))
                        : null);
    }
}
