package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolRulesTest {

    static final int MAX = 4000;
    static final String EMOJI = "\uD83D\uDE00";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "general",
                "a",
                "0",
                "9lives",
                "off-topic",
                "dev_ops",
                "a-",
                "a_",
                "x1-_y2",
                "abcdefghijklmnopqrstuvwxyz012345"
            })
    void roomNamesThatFollowTheRule(String name) {
        assertTrue(ProtocolRules.isRoomName(name), name);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "General",
                "GENERAL",
                "-general",
                "_general",
                "gen eral",
                "gen.eral",
                "général",
                "abcdefghijklmnopqrstuvwxyz0123456",
                "room/1",
                "room\n",
                "\u0430bc",
                "ｇeneral",
                "a\u0000"
            })
    void roomNamesThatBreakTheRule(String name) {
        assertFalse(ProtocolRules.isRoomName(name), name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"alice", "Alice", "a", "A.B-c_d", ".alice", "-", "_", "007", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"})
    void userNamesThatFollowTheRule(String name) {
        assertTrue(ProtocolRules.isUserName(name), name);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "al ice",
                "alice!",
                "alice@example",
                "Zoë",
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456",
                "al\tice",
                "\u0430lice",
                "alice\u0000"
            })
    void userNamesThatBreakTheRule(String name) {
        assertFalse(ProtocolRules.isUserName(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"6f1c2b8e-6a3d-4c51-9d0e-2f4b1a7c9e33", "r", "a ref with spaces", "ünïcödé", EMOJI + EMOJI})
    void refsThatFollowTheRule(String ref) {
        assertTrue(ProtocolRules.isRef(ref), ref);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "tab\there",
                "new\nline",
                "nul\u0000",
                "del\u007F",
                "c1\u0085",
                "lone\uD800",
                "lone\uDC00x",
                "\uDE00\uD83D"
            })
    void refsThatBreakTheRule(String ref) {
        assertFalse(ProtocolRules.isRef(ref), ref);
    }

    @Test
    void refLengthCountsCodePoints() {
        assertTrue(ProtocolRules.isRef("r".repeat(64)));
        assertFalse(ProtocolRules.isRef("r".repeat(65)));
        assertTrue(ProtocolRules.isRef(EMOJI.repeat(64)), "64 code points in 128 chars");
        assertFalse(ProtocolRules.isRef(EMOJI.repeat(65)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "hello",
                "x",
                "line one\nline two",
                "col1\tcol2",
                "  padded  ",
                "\u00A0nbsp-led",
                "ünïcödé 漢字 " + EMOJI,
                "\u2028 is a separator, not a control character",
                "\u00A0\u00A0x",
                "\uFFFD"
            })
    void acceptableTexts(String text) {
        assertNull(ProtocolRules.textProblem(text, MAX), text);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "   ", "\n", "\t\n \t", "\u00A0", "\u3000", "\u2003\n"})
    void emptyOrBlankTextIsAProblem(String text) {
        String problem = ProtocolRules.textProblem(text, MAX);
        assertNotNull(problem);
    }

    @Test
    void blankTextIsReportedAsEmpty() {
        assertEquals("text is empty", ProtocolRules.textProblem(" \n\t ", MAX));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\u0000", "\u0001", "\u0007", "\r", "\u000B", "\f", "\u001B", "\u001F", "\u007F", "\u0080", "\u0085",
                "\u009F"
            })
    void controlCharactersOtherThanNewlineAndTabAreAProblem(String control) {
        String problem = ProtocolRules.textProblem("before" + control + "after", MAX);
        assertNotNull(problem);
        assertTrue(problem.contains(String.format("U+%04X", (int) control.charAt(0))), problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "\uDBFF", "\uDC00", "\uDFFF", "x\uD83D", "\uDE00x", "\uDE00\uD83D"})
    void loneSurrogatesAreAProblem(String text) {
        String problem = ProtocolRules.textProblem("ok " + text + " ok", MAX);
        assertNotNull(problem);
        assertTrue(problem.contains("surrogate"), problem);
    }

    @Test
    void aLoneSurrogateAtTheVeryEndIsAProblem() {
        assertNotNull(ProtocolRules.textProblem("ends badly\uD83D", MAX));
    }

    @Test
    void lengthIsCountedInCodePoints() {
        assertNull(ProtocolRules.textProblem("x".repeat(MAX), MAX));
        assertNotNull(ProtocolRules.textProblem("x".repeat(MAX + 1), MAX));
        assertNull(ProtocolRules.textProblem(EMOJI.repeat(MAX), MAX), "4,000 emoji are 8,000 chars");
        assertNotNull(ProtocolRules.textProblem(EMOJI.repeat(MAX + 1), MAX));
        assertTrue(ProtocolRules.textProblem("x".repeat(MAX + 1), MAX).contains("4000"));
    }

    @Test
    void maxCodePointsIsTheCallersLimit() {
        assertNull(ProtocolRules.textProblem("abc", 3));
        assertNotNull(ProtocolRules.textProblem("abcd", 3));
    }
}
