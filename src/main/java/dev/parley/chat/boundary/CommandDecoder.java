package dev.parley.chat.boundary;

import static jakarta.json.stream.JsonParser.Event.END_ARRAY;
import static jakarta.json.stream.JsonParser.Event.END_OBJECT;
import static jakarta.json.stream.JsonParser.Event.START_ARRAY;
import static jakarta.json.stream.JsonParser.Event.START_OBJECT;
import static jakarta.json.stream.JsonParser.Event.VALUE_FALSE;
import static jakarta.json.stream.JsonParser.Event.VALUE_NULL;
import static jakarta.json.stream.JsonParser.Event.VALUE_NUMBER;
import static jakarta.json.stream.JsonParser.Event.VALUE_STRING;
import static jakarta.json.stream.JsonParser.Event.VALUE_TRUE;

import dev.parley.chat.entity.Command;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.websocket.Decoder;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns every text frame into a {@link Command}; it never throws and {@link #willDecode} is always true, because
 * containers disagree on what a refused or failed decode does (WildFly, Payara and Liberty each differ). Bad input
 * becomes {@link Command.Malformed} for the endpoint to answer. The frame's size was checked before, as it arrived
 * ({@link FrameAssembler}).
 * <p>
 * JSON-B is too lenient for a contract ({@code "room":42} becomes "42", trailing garbage passes), so the frame is
 * read once with the JSON-P streaming parser and checked: one object, bounded depth and numbers, no duplicate keys,
 * each known field of its JSON type; the command is built from the fields read. Content rules (room names, text)
 * are not checked here.
 */
public class CommandDecoder implements Decoder.Text<Command> {

    static final int MAX_DEPTH = 16;
    static final int MAX_NUMBER_LENGTH = 40;

    private static final JsonParserFactory PARSERS = JsonProvider.provider().createParserFactory(Map.of());

    private enum Kind {
        TEXT,
        SEQ,
        COUNT,
        FLAG,
        STRINGS
    }

    private record Field(String name, Kind kind, boolean required) {}

    /** A command's fields, and how the checked values (by field name) make the command. */
    private record Shape(List<Field> fields, Function<Map<String, Object>, Command> make) {}

    /** {@code items}: an array's strings (for a {@link Kind#STRINGS} field), null if it holds anything else. */
    private record Member(JsonParser.Event kind, String text, List<String> items) {

        Member(JsonParser.Event kind, String text) {
            this(kind, text, null);
        }
    }

    private static final Map<String, Shape> SHAPES = Map.ofEntries(
            Map.entry(
                    "receipts",
                    new Shape(
                            List.of(new Field("on", Kind.FLAG, true)),
                            v -> new Command.Receipts((Boolean) v.get("on")))),
            Map.entry(
                    "read",
                    new Shape(
                            List.of(requiredString("room"), new Field("seq", Kind.SEQ, true)),
                            v -> new Command.Read(text(v, "room"), (Long) v.get("seq")))),
            Map.entry("join", new Shape(List.of(requiredString("room")), v -> new Command.Join(text(v, "room")))),
            Map.entry("leave", new Shape(List.of(requiredString("room")), v -> new Command.Leave(text(v, "room")))),
            Map.entry(
                    "say",
                    new Shape(
                            List.of(
                                    requiredString("room"),
                                    requiredString("text"),
                                    optionalString("ref"),
                                    new Field("files", Kind.STRINGS, false)),
                            v -> new Command.Say(text(v, "room"), text(v, "text"), text(v, "ref"), strings(v)))),
            Map.entry(
                    "whisper",
                    new Shape(
                            List.of(requiredString("to"), requiredString("text"), optionalString("ref")),
                            v -> new Command.Whisper(text(v, "to"), text(v, "text"), text(v, "ref")))),
            Map.entry("typing", new Shape(List.of(requiredString("room")), v -> new Command.Typing(text(v, "room")))),
            Map.entry(
                    "history",
                    new Shape(
                            List.of(
                                    requiredString("room"),
                                    new Field("before", Kind.SEQ, false),
                                    new Field("after", Kind.SEQ, false),
                                    new Field("limit", Kind.COUNT, false)),
                            v -> new Command.History(
                                    text(v, "room"), (Long) v.get("before"), (Long) v.get("after"), (Integer)
                                            v.get("limit")))),
            Map.entry("direct", new Shape(List.of(requiredString("to")), v -> new Command.Direct(text(v, "to")))),
            Map.entry("create", new Shape(List.of(requiredString("title")), v -> new Command.Create(text(v, "title")))),
            Map.entry(
                    "invite",
                    new Shape(
                            List.of(requiredString("room"), requiredString("user")),
                            v -> new Command.Invite(text(v, "room"), text(v, "user")))));

    private static final Set<String> FIELD_NAMES = Set.of(
            "type", "room", "to", "text", "ref", "before", "after", "limit", "seq", "on", "title", "user", "files");
    /** The fields whose value is an array of strings, read rather than skipped. */
    private static final Set<String> STRING_ARRAYS = Set.of("files");
    /** More items than any command takes: the limits (parley.files.max-per-message) are chat's to enforce. */
    static final int MAX_ITEMS = 64;

    @Override
    public boolean willDecode(String frame) {
        return true;
    }

    @Override
    public Command decode(String frame) {
        String type = null;
        try {
            Map<String, Member> members = members(frame);
            type = typeOf(members);
            Shape shape = SHAPES.get(type);
            return shape.make().apply(checkedFields(type, shape, members));
        } catch (Refused refused) {
            return new Command.Malformed(refused.type, refused.getMessage());
        }
    }

    /**
     * The top-level members whose names a command uses; other values are skipped, not kept. A name given twice is
     * refused at the top level, where it would make the command ambiguous; nested values are never read.
     */
    private static Map<String, Member> members(String frame) throws Refused {
        if (frame.isBlank()) {
            throw new Refused(null, "the frame is empty");
        }
        try (JsonParser parser = PARSERS.createParser(new StringReader(frame))) {
            if (parser.next() != START_OBJECT) {
                throw new Refused(null, "the frame is not a JSON object");
            }
            Map<String, Member> members = new HashMap<>();
            Set<String> names = new HashSet<>();
            for (JsonParser.Event event = parser.next(); event != END_OBJECT; event = parser.next()) {
                String name = parser.getString();
                if (!names.add(name)) {
                    throw new Refused(null, "a field appears twice");
                }
                JsonParser.Event value = parser.next();
                if (value == START_ARRAY && STRING_ARRAYS.contains(name)) {
                    members.put(name, new Member(value, null, items(parser)));
                    continue;
                }
                if (value == START_OBJECT || value == START_ARRAY) {
                    skipNested(parser, 2);
                }
                if (FIELD_NAMES.contains(name)) {
                    boolean hasText = value == VALUE_STRING || value == VALUE_NUMBER;
                    members.put(name, new Member(value, hasText ? parser.getString() : null));
                }
            }
            if (parser.hasNext()) {
                throw new Refused(null, "the frame holds more than one JSON value");
            }
            return members;
        } catch (RuntimeException notJson) {
            // JsonParsingException mostly, but Parsson's own depth limit is a bare RuntimeException
            throw new Refused(null, "the frame is not valid JSON");
        }
    }

    /**
     * The strings of the array just opened at depth 2, or null if it holds anything else or more than
     * {@link #MAX_ITEMS}; read to its end either way.
     */
    private static List<String> items(JsonParser parser) throws Refused {
        List<String> items = new ArrayList<>();
        boolean onlyStrings = true;
        for (JsonParser.Event event = parser.next(); event != END_ARRAY; event = parser.next()) {
            if (event == VALUE_STRING && items.size() < MAX_ITEMS) {
                items.add(parser.getString());
            } else {
                onlyStrings = false;
                if (event == START_OBJECT || event == START_ARRAY) {
                    skipNested(parser, 3);
                }
            }
        }
        return onlyStrings ? items : null;
    }

    /**
     * Skips the object or array just opened at {@code depth} without building it, refusing it when it nests too
     * deep.
     */
    private static void skipNested(JsonParser parser, int depth) throws Refused {
        int open = depth;
        while (open >= depth) {
            JsonParser.Event event = parser.next();
            if (event == START_OBJECT || event == START_ARRAY) {
                if (++open > MAX_DEPTH) {
                    throw new Refused(null, "the frame nests deeper than " + MAX_DEPTH + " levels");
                }
            } else if (event == END_OBJECT || event == END_ARRAY) {
                open--;
            }
        }
    }

    private static String typeOf(Map<String, Member> members) throws Refused {
        Member type = members.get("type");
        if (type == null || type.kind() == VALUE_NULL) {
            throw new Refused(null, "type is missing");
        }
        if (type.kind() != VALUE_STRING) {
            throw new Refused(null, "type must be a string");
        }
        if (!SHAPES.containsKey(type.text())) {
            throw new Refused(null, "type is not a known command");
        }
        return type.text();
    }

    private static Map<String, Object> checkedFields(String type, Shape shape, Map<String, Member> members)
            throws Refused {
        Map<String, Object> fields = new HashMap<>();
        for (Field field : shape.fields()) {
            Member member = members.get(field.name());
            if (member == null || member.kind() == VALUE_NULL) {
                if (field.required()) {
                    throw new Refused(type, field.name() + (member == null ? " is missing" : " must not be null"));
                }
                continue;
            }
            switch (field.kind()) {
                case TEXT -> fields.put(field.name(), text(type, field.name(), member));
                case SEQ -> fields.put(field.name(), sequenceNumber(type, field.name(), member));
                case COUNT -> fields.put(field.name(), count(type, field.name(), member));
                case FLAG -> fields.put(field.name(), flag(type, field.name(), member));
                case STRINGS -> fields.put(field.name(), strings(type, field.name(), member));
            }
        }
        if ("history".equals(type) && isPresent(members, "before") == isPresent(members, "after")) {
            throw new Refused(type, "history needs exactly one of before and after");
        }
        return fields;
    }

    private static String text(Map<String, Object> fields, String name) {
        return (String) fields.get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> fields) {
        return (List<String>) fields.get("files");
    }

    private static List<String> strings(String type, String name, Member member) throws Refused {
        if (member.kind() != START_ARRAY || member.items() == null) {
            throw new Refused(type, name + " must be an array of at most " + MAX_ITEMS + " strings");
        }
        return member.items();
    }

    private static boolean isPresent(Map<String, Member> members, String name) {
        Member member = members.get(name);
        return member != null && member.kind() != VALUE_NULL;
    }

    private static String text(String type, String name, Member member) throws Refused {
        if (member.kind() != VALUE_STRING) {
            throw new Refused(type, name + " must be a string");
        }
        return member.text();
    }

    private static long sequenceNumber(String type, String name, Member member) throws Refused {
        long value = wholeNumber(type, name, member);
        if (value < 0) {
            throw new Refused(type, name + " must not be negative");
        }
        return value;
    }

    private static int count(String type, String name, Member member) throws Refused {
        long value = wholeNumber(type, name, member);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new Refused(type, name + " is out of range");
        }
        return (int) value;
    }

    /**
     * Any JSON number whose value is whole ({@code 5}, {@code 5.0}, {@code 1e3}), as JSON Schema's "integer". The
     * token's length is bounded first, and {@link BigDecimal} of a short token is cheap even with a huge exponent.
     */
    private static boolean flag(String type, String name, Member member) throws Refused {
        if (member.kind() != VALUE_TRUE && member.kind() != VALUE_FALSE) {
            throw new Refused(type, name + " must be true or false");
        }
        return member.kind() == VALUE_TRUE;
    }

    private static long wholeNumber(String type, String name, Member member) throws Refused {
        if (member.kind() != VALUE_NUMBER) {
            throw new Refused(type, name + " must be a number");
        }
        if (member.text().length() > MAX_NUMBER_LENGTH) {
            throw new Refused(type, name + " is out of range");
        }
        try {
            BigDecimal value = new BigDecimal(member.text());
            if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
                throw new Refused(type, name + " must be a whole number");
            }
            return value.longValueExact();
        } catch (NumberFormatException | ArithmeticException overflow) {
            throw new Refused(type, name + " is out of range");
        }
    }

    private static Field requiredString(String name) {
        return new Field(name, Kind.TEXT, true);
    }

    private static Field optionalString(String name) {
        return new Field(name, Kind.TEXT, false);
    }

    /** Why a frame is not a command; control flow inside the decoder only, so it carries no stack trace. */
    private static final class Refused extends Exception {

        final String type;

        Refused(String type, String reason) {
            super(reason, null, false, false);
            this.type = type;
        }
    }
}
