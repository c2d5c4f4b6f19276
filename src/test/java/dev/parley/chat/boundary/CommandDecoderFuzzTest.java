package dev.parley.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.control.ChatLimits;
import dev.parley.chat.control.ProtocolRules;
import dev.parley.chat.entity.Command;
import dev.parley.testing.FrameMutator;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link CommandDecoder} over many seeded random frames made from valid commands by
 * {@link FrameMutator}: nothing escapes it, every frame becomes a command, and whatever it accepts is a JSON object that a plain JSON-P parser reads the same way
 * (so the strict check never lets through what the contract refuses, nor invents fields). A failure prints the
 * seed; {@code -Dparley.fuzz.seed=N} replays it.
 */
class CommandDecoderFuzzTest {

    static final int FRAMES = Integer.getInteger("parley.fuzz.frames", 20_000);
    CommandDecoder cut = new CommandDecoder();

    @Test
    void everyMutatedFrameBecomesACommandConsistentWithTheJson() {
        long seed = FrameMutator.seed();
        FrameMutator frames = new FrameMutator(new Random(seed), "general", "bob");
        int accepted = 0;
        for (int i = 0; i < FRAMES; i++) {
            String frame = frames.next();
            try {
                if (check(frame)) {
                    accepted++;
                }
            } catch (Throwable failure) {
                throw new AssertionError(
                        "seed " + seed + " (-Dparley.fuzz.seed=" + seed + "), frame #" + i + " " + shorten(frame) + ": "
                                + failure,
                        failure);
            }
        }
        System.out.printf(
                "CommandDecoderFuzzTest: seed %d, %d frames, %d decoded as commands%n", seed, FRAMES, accepted);
        assertTrue(accepted > 0, "no mutated frame was still a command: the oracle for accepted frames never ran");
    }

    @Test
    void theValidCommandsThemselvesDecode() {
        FrameMutator frames = new FrameMutator(new Random(1), "general", "bob");
        for (int i = 0; i < 100; i++) {
            String frame = frames.valid();
            Command command = cut.decode(frame);
            assertFalse(command instanceof Command.Malformed, frame + " -> " + command);
            check(frame);
        }
    }

    /** Checks one frame; true when it decoded as a command. */
    private boolean check(String frame) {
        assertTrue(cut.willDecode(frame));
        Command command = cut.decode(frame);
        assertNotNull(command);
        if (command instanceof Command.Malformed malformed) {
            assertNotNull(malformed.reason());
            return false;
        }
        JsonObject json = readStrictly(frame);
        assertEquals(command.type(), json.getString("type"));
        if (command instanceof Command.Join join) {
            assertText(json, "room", join.room());
        } else if (command instanceof Command.Leave leave) {
            assertText(json, "room", leave.room());
        } else if (command instanceof Command.Typing typing) {
            assertText(json, "room", typing.room());
        } else if (command instanceof Command.Say say) {
            assertText(json, "room", say.room());
            assertText(json, "text", say.text());
            assertOptionalText(json, "ref", say.ref());
            assertContentRules(say.text());
        } else if (command instanceof Command.Whisper whisper) {
            assertText(json, "to", whisper.to());
            assertText(json, "text", whisper.text());
            assertOptionalText(json, "ref", whisper.ref());
            assertContentRules(whisper.text());
        } else if (command instanceof Command.History history) {
            assertText(json, "room", history.room());
            assertTrue(history.before() == null ^ history.after() == null, "exactly one of before/after");
            Long bound = history.before() != null ? history.before() : history.after();
            assertEquals(
                    bound.longValue(),
                    json.getJsonNumber(history.before() != null ? "before" : "after")
                            .bigDecimalValue()
                            .longValueExact());
            assertTrue(bound >= 0);
        } else {
            fail("unexpected " + command);
        }
        return true;
    }

    /** A lone surrogate or a forbidden control character may pass the decoder, but never the content rules. */
    private static void assertContentRules(String text) {
        boolean loneSurrogate = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                loneSurrogate = true;
            }
        }
        if (loneSurrogate || text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' || c == 0x7f)) {
            assertNotNull(
                    ProtocolRules.textProblem(text, ChatLimits.defaults().maxTextCodePoints()),
                    "a lone surrogate or control character passed the text rules");
        }
    }

    private static JsonObject readStrictly(String frame) {
        try (JsonReader reader = Json.createReader(new StringReader(frame))) {
            JsonValue value = reader.readValue();
            assertEquals(JsonValue.ValueType.OBJECT, value.getValueType());
            return value.asJsonObject();
        } catch (RuntimeException notJson) {
            throw new AssertionError("the decoder accepted what JSON-P refuses: " + notJson, notJson);
        }
    }

    private static void assertText(JsonObject json, String name, String decoded) {
        JsonValue value = json.get(name);
        assertTrue(value instanceof JsonString, name + " is " + value);
        assertEquals(((JsonString) value).getString(), decoded, name);
    }

    private static void assertOptionalText(JsonObject json, String name, String decoded) {
        JsonValue value = json.get(name);
        if (value == null || value == JsonValue.NULL) {
            assertEquals(null, decoded, name);
        } else {
            assertText(json, name, decoded);
        }
    }

    private static String shorten(String frame) {
        String shown = frame.length() > 300 ? frame.substring(0, 300) + "…(" + frame.length() + " chars)" : frame;
        return shown.chars()
                .mapToObj(c -> c < 0x20 || Character.isSurrogate((char) c) || c > 0x7e
                        ? String.format("\\u%04x", c)
                        : String.valueOf((char) c))
                .reduce("", String::concat);
    }
}
