package dev.parley.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.parley.chat.entity.Command;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandDecoderTest {

    static final int LIMIT = 65536;

    CommandDecoder cut;

    @BeforeEach
    void init() {
        cut = new CommandDecoder();
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                arguments("{\"type\":\"join\",\"room\":\"general\"}", new Command.Join("general")),
                arguments("{\"type\":\"leave\",\"room\":\"general\"}", new Command.Leave("general")),
                arguments(
                        "{\"type\":\"say\",\"room\":\"general\",\"text\":\"hello\"}",
                        new Command.Say("general", "hello", null)),
                arguments(
                        "{\"type\":\"say\",\"room\":\"general\",\"text\":\"hello\",\"ref\":\"6f1c\"}",
                        new Command.Say("general", "hello", "6f1c")),
                arguments(
                        "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"psst\"}",
                        new Command.Whisper("bob", "psst", null)),
                arguments(
                        "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"r-1\"}",
                        new Command.Whisper("bob", "psst", "r-1")),
                arguments("{\"type\":\"typing\",\"room\":\"general\"}", new Command.Typing("general")),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"before\":42}",
                        new Command.History("general", 42L, null, null)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"after\":0}",
                        new Command.History("general", null, 0L, null)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"after\":7,\"limit\":20}",
                        new Command.History("general", null, 7L, 20)),
                // the files extension: an array of ids (what they name is the archive's to check)
                arguments(
                        "{\"type\":\"say\",\"room\":\"general\",\"text\":\"\",\"files\":[\"a\",\"b\"]}",
                        new Command.Say("general", "", null, List.of("a", "b"))),
                arguments(
                        "{\"type\":\"say\",\"room\":\"general\",\"text\":\"x\",\"files\":[]}",
                        new Command.Say("general", "x", null)),
                arguments(
                        "{\"type\":\"say\",\"room\":\"general\",\"text\":\"x\",\"files\":null}",
                        new Command.Say("general", "x", null)),
                arguments(
                        "{\"type\":\"join\",\"room\":\"general\",\"files\":[1,{\"a\":[2]}]}",
                        new Command.Join("general")),
                // the membership extension
                arguments("{\"type\":\"read\",\"room\":\"general\",\"seq\":41}", new Command.Read("general", 41)),
                arguments("{\"type\":\"receipts\",\"on\":false}", new Command.Receipts(false)),
                arguments("{\"type\":\"receipts\",\"on\":true}", new Command.Receipts(true)),
                // order of fields, whitespace and the place of type do not matter
                arguments(" {\n \"room\" : \"general\" ,\t\"type\" : \"join\" }\r\n", new Command.Join("general")),
                // content is not the decoder's business: the rules refuse these later
                arguments("{\"type\":\"join\",\"room\":\"Not A Room!\"}", new Command.Join("Not A Room!")),
                arguments(
                        "{\"type\":\"say\",\"room\":\"general\",\"text\":\"\"}", new Command.Say("general", "", null)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"after\":1,\"limit\":0}",
                        new Command.History("general", null, 1L, 0)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"after\":1,\"limit\":-5}",
                        new Command.History("general", null, 1L, -5)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"after\":1,\"limit\":100000}",
                        new Command.History("general", null, 1L, 100000)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"after\":1,\"limit\":2147483647}",
                        new Command.History("general", null, 1L, Integer.MAX_VALUE)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"before\":9223372036854775807}",
                        new Command.History("general", Long.MAX_VALUE, null, null)),
                // a whole number may be written with a zero fraction or an exponent (JSON Schema's "integer")
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"after\":5.0,\"limit\":1e3}",
                        new Command.History("general", null, 5L, 1000)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"before\":1.5e1,\"limit\":2E+1}",
                        new Command.History("general", 15L, null, 20)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"after\":-0}",
                        new Command.History("general", null, 0L, null)),
                // null on an optional field is the field left out
                arguments(
                        "{\"type\":\"say\",\"room\":\"general\",\"text\":\"hi\",\"ref\":null}",
                        new Command.Say("general", "hi", null)),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"before\":null,\"after\":3,\"limit\":null}",
                        new Command.History("general", null, 3L, null)),
                // unknown fields are ignored, whatever they hold
                arguments(
                        "{\"type\":\"join\",\"room\":\"general\",\"v\":2,\"meta\":{\"a\":[1,{\"b\":null}]},"
                                + "\"huge\":" + "9".repeat(1000) + ",\"far\":1e999999,\"list\":[],\"flag\":true}",
                        new Command.Join("general")),
                arguments(
                        "{\"type\":\"join\",\"room\":\"general\",\"text\":42,\"before\":\"x\",\"to\":[]}",
                        new Command.Join("general")),
                arguments(
                        "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"hi\",\"room\":42}",
                        new Command.Whisper("bob", "hi", null)));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void decodesEveryCommand(String frame, Command expected) {
        assertEquals(expected, cut.decode(frame));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                // the membership extension's fields
                arguments("{\"type\":\"read\",\"room\":\"general\"}", "read"),
                arguments("{\"type\":\"read\",\"room\":\"general\",\"seq\":-1}", "read"),
                arguments("{\"type\":\"read\",\"room\":\"general\",\"seq\":\"4\"}", "read"),
                arguments("{\"type\":\"receipts\"}", "receipts"),
                arguments("{\"type\":\"receipts\",\"on\":\"false\"}", "receipts"),
                arguments("{\"type\":\"receipts\",\"on\":0}", "receipts"),
                // not one JSON object
                arguments("", null),
                arguments("   ", null),
                arguments("hello", null),
                arguments("{", null),
                arguments("{\"type\":\"join\",\"room\":\"general\"", null),
                arguments("{\"type\":\"join\",\"room\":\"general\",}", null),
                arguments("{'type':'join','room':'general'}", null),
                arguments("{type:\"join\",room:\"general\"}", null),
                arguments("[{\"type\":\"join\",\"room\":\"general\"}]", null),
                arguments("[]", null),
                arguments("null", null),
                arguments("42", null),
                arguments("\"join\"", null),
                arguments("true", null),
                arguments("{\"type\":\"join\",\"room\":\"general\"}{\"type\":\"join\",\"room\":\"general\"}", null),
                arguments("{\"type\":\"join\",\"room\":\"general\"} {}", null),
                arguments("{\"type\":\"join\",\"room\":\"general\"} x", null),
                arguments("{\"type\":\"join\",\"room\":\"general\"}]", null),
                arguments("{\"type\":\"join\",\"room\":\"general\"} null", null),
                arguments("{\"type\":\"join\",\"room\":\"general\"}\u0000", null),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":\"raw\nnewline\"}", null),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":\"bad \\x escape\"}", null),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":01}", null),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":NaN}", null),
                // type
                arguments("{}", null),
                arguments("{\"room\":\"general\"}", null),
                arguments("{\"type\":null,\"room\":\"general\"}", null),
                arguments("{\"type\":1,\"room\":\"general\"}", null),
                arguments("{\"type\":true,\"room\":\"general\"}", null),
                arguments("{\"type\":[\"join\"],\"room\":\"general\"}", null),
                arguments("{\"type\":{\"name\":\"join\"},\"room\":\"general\"}", null),
                arguments("{\"type\":\"shout\",\"room\":\"general\"}", null),
                arguments("{\"type\":\"JOIN\",\"room\":\"general\"}", null),
                arguments("{\"type\":\"join \",\"room\":\"general\"}", null),
                arguments("{\"type\":\"message\",\"room\":\"general\"}", null),
                arguments("{\"type\":\"\",\"room\":\"general\"}", null),
                // duplicate names
                arguments("{\"type\":\"join\",\"room\":\"general\",\"room\":\"random\"}", null),
                arguments("{\"type\":\"join\",\"type\":\"leave\",\"room\":\"general\"}", null),
                arguments("{\"type\":\"join\",\"room\":\"general\",\"x\":1,\"x\":2}", null),
                // missing or null required fields
                arguments("{\"type\":\"join\"}", "join"),
                arguments("{\"type\":\"join\",\"room\":null}", "join"),
                arguments("{\"type\":\"leave\"}", "leave"),
                arguments("{\"type\":\"say\",\"text\":\"hi\"}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\"}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":null}", "say"),
                arguments("{\"type\":\"whisper\",\"text\":\"hi\"}", "whisper"),
                arguments("{\"type\":\"whisper\",\"to\":\"bob\"}", "whisper"),
                arguments("{\"type\":\"whisper\",\"to\":null,\"text\":\"hi\"}", "whisper"),
                arguments("{\"type\":\"typing\"}", "typing"),
                arguments("{\"type\":\"history\",\"after\":1}", "history"),
                // wrong JSON types
                arguments("{\"type\":\"join\",\"room\":42}", "join"),
                arguments("{\"type\":\"join\",\"room\":true}", "join"),
                arguments("{\"type\":\"join\",\"room\":[\"general\"]}", "join"),
                arguments("{\"type\":\"join\",\"room\":{}}", "join"),
                arguments("{\"type\":\"leave\",\"room\":1.5}", "leave"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":true}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":123}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":[\"a\",\"b\"]}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":\"hi\",\"ref\":7}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":\"hi\",\"files\":\"a\"}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":\"hi\",\"files\":[\"a\",1]}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":\"hi\",\"files\":[[\"a\"]]}", "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":\"hi\",\"files\":{}}", "say"),
                arguments(
                        "{\"type\":\"say\",\"room\":\"general\",\"text\":\"hi\",\"files\":["
                                + "\"a\",".repeat(CommandDecoder.MAX_ITEMS) + "\"a\"]}",
                        "say"),
                arguments("{\"type\":\"say\",\"room\":\"general\",\"text\":\"hi\",\"ref\":false}", "say"),
                arguments("{\"type\":\"whisper\",\"to\":[\"bob\"],\"text\":\"hi\"}", "whisper"),
                arguments("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":{}}", "whisper"),
                arguments("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"hi\",\"ref\":{}}", "whisper"),
                arguments("{\"type\":\"typing\",\"room\":0}", "typing"),
                arguments("{\"type\":\"history\",\"room\":5,\"after\":1}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":\"5\"}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":true}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":[1]}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":1,\"limit\":\"10\"}", "history"),
                // numbers that are not whole, negative or too big
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":1.5}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":1e-1}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":0.000001}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":1,\"limit\":2.5}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":-1}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":-1e2}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":9223372036854775808}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":1,\"limit\":2147483648}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"after\":1,\"limit\":-2147483649}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":1e999999}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":1e-999999}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":1e99999999999}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":100e2147483647}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":" + "1".repeat(1000) + "}", "history"),
                arguments(
                        "{\"type\":\"history\",\"room\":\"general\",\"before\":1." + "0".repeat(1000) + "}", "history"),
                // both or neither of before and after
                arguments("{\"type\":\"history\",\"room\":\"general\"}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"limit\":10}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":null,\"after\":null}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":5,\"after\":1}", "history"),
                arguments("{\"type\":\"history\",\"room\":\"general\",\"before\":0,\"after\":0}", "history"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusesMalformedFrames(String frame, String expectedType) {
        Command.Malformed malformed = assertInstanceOf(Command.Malformed.class, cut.decode(frame));
        assertEquals(expectedType, malformed.type());
        assertFalse(malformed.reason().isBlank());
    }

    @Test
    void reasonsSayWhatIsWrongInPlainWords() {
        assertEquals("room must be a string", reason("{\"type\":\"join\",\"room\":42}"));
        assertEquals("text is missing", reason("{\"type\":\"say\",\"room\":\"general\"}"));
        assertEquals("room must not be null", reason("{\"type\":\"join\",\"room\":null}"));
        assertEquals(
                "before must be a whole number", reason("{\"type\":\"history\",\"room\":\"general\",\"before\":1.5}"));
        assertEquals(
                "before must not be negative", reason("{\"type\":\"history\",\"room\":\"general\",\"before\":-1}"));
        assertEquals(
                "history needs exactly one of before and after",
                reason("{\"type\":\"history\",\"room\":\"general\",\"before\":1,\"after\":2}"));
        assertEquals("type is not a known command", reason("{\"type\":\"shout\"}"));
        assertEquals("a field appears twice", reason("{\"type\":\"join\",\"room\":\"a\",\"room\":\"b\"}"));
        assertEquals("the frame is not a JSON object", reason("[]"));
        assertEquals("the frame is not valid JSON", reason("{\"type\":\"join\",\"room\":\"general\"} x"));
    }

    @Test
    void theConversationCommandsDecodeAndTheirMissingFieldsAreNamed() {
        assertEquals(new Command.Direct("bob"), cut.decode("{\"type\":\"direct\",\"to\":\"bob\"}"));
        assertEquals(
                new Command.Create("Launch plans"), cut.decode("{\"type\":\"create\",\"title\":\"Launch plans\"}"));
        assertEquals(
                new Command.Invite("~k3v9x0q2m7c4b8wz", "carol"),
                cut.decode("{\"type\":\"invite\",\"room\":\"~k3v9x0q2m7c4b8wz\",\"user\":\"carol\"}"));
        assertEquals("to is missing", reason("{\"type\":\"direct\"}"));
        assertEquals("title must be a string", reason("{\"type\":\"create\",\"title\":7}"));
        assertEquals("user is missing", reason("{\"type\":\"invite\",\"room\":\"~k3v9x0q2m7c4b8wz\"}"));
    }

    @Test
    void theUnknownTypeIsNotEchoedBack() {
        Command.Malformed malformed = (Command.Malformed) cut.decode("{\"type\":\"<script>\",\"room\":\"general\"}");
        assertNull(malformed.type());
        assertFalse(malformed.reason().contains("<script>"));
    }

    @Test
    void duplicateNamesInsideIgnoredValuesAreNotRead() {
        assertEquals(
                new Command.Join("general"),
                cut.decode("{\"type\":\"join\",\"room\":\"general\",\"meta\":{\"a\":1,\"a\":2}}"));
    }

    @Test
    void nestingUpToSixteenLevelsIsAccepted() {
        String frame = "{\"type\":\"join\",\"room\":\"general\",\"x\":" + "[".repeat(15) + "]".repeat(15) + "}";
        assertEquals(new Command.Join("general"), cut.decode(frame));
    }

    @Test
    void nestingDeeperThanSixteenLevelsIsRefused() {
        String frame = "{\"type\":\"join\",\"room\":\"general\",\"x\":" + "[".repeat(16) + "]".repeat(16) + "}";
        Command.Malformed malformed = assertInstanceOf(Command.Malformed.class, cut.decode(frame));
        assertTrue(malformed.reason().contains("deeper"), malformed.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[", "{\"a\":"})
    void tenThousandLevelsAreRefusedWithoutOverflowingTheStack(String opening) {
        String closing = opening.equals("[") ? "]" : "}";
        String deep = "{\"type\":\"join\",\"room\":\"general\",\"x\":" + opening.repeat(10_000) + "1"
                + closing.repeat(10_000) + "}";
        assertInstanceOf(Command.Malformed.class, cut.decode(deep));
        assertInstanceOf(Command.Malformed.class, cut.decode(opening.repeat(10_000) + "1" + closing.repeat(10_000)));
        assertInstanceOf(Command.Malformed.class, cut.decode("{\"x\":" + opening.repeat(10_000)));
    }

    @Test
    void neverThrowsOnAnyPrefixOfAFrame() {
        String frame = "{\"type\":\"history\",\"room\":\"général\",\"after\":12,\"limit\":5,\"x\":[{\"y\":null}]}";
        for (int end = 0; end < frame.length(); end++) {
            String prefix = frame.substring(0, end);
            assertInstanceOf(Command.Malformed.class, cut.decode(prefix), prefix);
        }
        assertEquals(new Command.History("général", null, 12L, 5), cut.decode(frame));
    }

    @Test
    void stringsArriveExactlyAsSent() {
        String text = "quote \" backslash \\ slash / nl \n tab \t nul \u0000 bell \u0007 del \u007F c1 \u0085 "
                + "ls \u2028 bom \uFEFF emoji \uD83D\uDE00 ünïcödé 漢字 </script>";
        String frame = "{\"type\":\"say\",\"room\":\"general\",\"text\":" + jsonString(text) + ",\"ref\":\"\"}";
        assertEquals(new Command.Say("general", text, ""), cut.decode(frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\uDBFF", "\\udc00", "x\\uDFFFy", "\\ude00\\ud83d", "\\ud83d"})
    void loneSurrogateEscapesAreKeptForTheRulesToRefuse(String escaped) {
        String frame =
                "{\"type\":\"say\",\"room\":\"general\",\"text\":\"" + escaped + "\",\"ref\":\"" + escaped + "\"}";
        String expected = unescape(escaped);
        Command.Say say = assertInstanceOf(Command.Say.class, cut.decode(frame));
        assertEquals(expected, say.text());
        assertEquals(expected, say.ref());
    }

    @Test
    void aRawLoneSurrogateIsKept() {
        Command.Whisper whisper = assertInstanceOf(
                Command.Whisper.class, cut.decode("{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"a\uD800b\"}"));
        assertEquals("a\uD800b", whisper.text());
    }

    @Test
    void willDecodeEverything() {
        assertTrue(cut.willDecode("{\"type\":\"join\",\"room\":\"general\"}"));
        assertTrue(cut.willDecode("not json"));
        assertTrue(cut.willDecode(""));
    }

    @Test
    void aFrameOfEveryMultibyteKindDecodes() {
        for (String multibyte : new String[] {"é", "€", "\uD83D\uDE00", "é€\uD83D\uDE00"}) {
            String frame = frameOfBytes(multibyte, LIMIT);
            assertEquals(new Command.Say("general", textOf(frame), null), cut.decode(frame));
        }
    }

    String reason(String frame) {
        return assertInstanceOf(Command.Malformed.class, cut.decode(frame)).reason();
    }

    /** A valid say frame of exactly {@code bytes} UTF-8 bytes, its text filled with {@code multibyte} and ASCII. */
    static String frameOfBytes(String multibyte, int bytes) {
        String head = "{\"type\":\"say\",\"room\":\"general\",\"text\":\"";
        String tail = "\"}";
        StringBuilder frame = new StringBuilder(head);
        int size = utf8(head) + utf8(tail);
        int unit = utf8(multibyte);
        while (size + unit <= bytes) {
            frame.append(multibyte);
            size += unit;
        }
        frame.append("x".repeat(bytes - size)).append(tail);
        assertEquals(bytes, utf8(frame.toString()));
        return frame.toString();
    }

    static String textOf(String sayFrame) {
        int start = sayFrame.indexOf("\"text\":\"") + 8;
        return sayFrame.substring(start, sayFrame.length() - 2);
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static String jsonString(String s) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\t' -> json.append("\\t");
                default -> json.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return json.append('"').toString();
    }

    static String unescape(String escaped) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            if (escaped.startsWith("\\u", i)) {
                s.append((char) Integer.parseInt(escaped.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                s.append(escaped.charAt(i));
            }
        }
        return s.toString();
    }
}
