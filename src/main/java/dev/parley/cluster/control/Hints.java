package dev.parley.cluster.control;

import dev.parley.chat.control.Frames;
import dev.parley.chat.entity.Event;
import dev.parley.cluster.entity.Hint;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.bind.JsonbException;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Hints as the bus carries them: {@code {"kind":"stored","message":{…}}} (the message as the protocol's {@code message}
 * event) and {@code {"kind":"deleted","room":…,"seq":…}}. A node that meets a kind it does not know (a newer node's)
 * skips it.
 */
final class Hints {

    static final String STORED = "stored";
    static final String DELETED = "deleted";

    private Hints() {}

    static String encode(Hint hint) {
        if (hint instanceof Hint.Stored stored) {
            return "{\"kind\":\"" + STORED + "\",\"message\":" + Frames.encode(stored.message()) + "}";
        }
        Hint.Deleted deleted = (Hint.Deleted) hint;
        return Json.createObjectBuilder()
                .add("kind", DELETED)
                .add("room", deleted.room())
                .add("seq", deleted.seq())
                .build()
                .toString();
    }

    /** The hint, or empty if the text is not one this node understands. */
    static Optional<Hint> decode(String text) {
        try {
            JsonObject hint = Json.createReader(new StringReader(text)).readObject();
            String kind = hint.getString("kind", null);
            if (STORED.equals(kind) && hint.get("message") instanceof JsonObject message) {
                return Optional.of(new Hint.Stored(message(message)));
            }
            if (DELETED.equals(kind)) {
                return Optional.of(new Hint.Deleted(
                        hint.getString("room"), hint.getJsonNumber("seq").longValueExact()));
            }
            return Optional.empty();
        } catch (JsonException
                | JsonbException
                | ClassCastException
                | NullPointerException
                | DateTimeParseException e) {
            return Optional.empty();
        }
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
                json.getBoolean("guest", false) ? Boolean.TRUE : null);
    }
}
