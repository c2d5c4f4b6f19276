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
 * Hints as the bus carries them: {@code {"kind":"stored","message":{…}}}, the message as JSON-B writes the record.
 * The kind is written by hand: a node that meets a kind it does not know (a newer node's) skips it.
 */
final class Hints {

    static final String STORED = "stored";

    private Hints() {}

    static String encode(Hint hint) {
        if (hint instanceof Hint.Stored stored) {
            return "{\"kind\":\"" + STORED + "\",\"message\":" + Frames.encode(stored.message()) + "}";
        }
        throw new IllegalArgumentException("no encoding for " + hint);
    }

    /** The hint, or empty if the text is not one this node understands. */
    static Optional<Hint> decode(String text) {
        try {
            JsonObject hint = Json.createReader(new StringReader(text)).readObject();
            if (STORED.equals(hint.getString("kind", null)) && hint.get("message") instanceof JsonObject message) {
                return Optional.of(new Hint.Stored(message(message)));
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
