package dev.parley.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConnectionLogTest {

    @Test
    void oneLineOfKeyValuePairsWithAwkwardValuesQuoted() {
        assertEquals(
                "refuse id=7 user=bob address=10.0.0.1 reason=limit_exceeded code=4009",
                ConnectionLog.line(
                        "refuse",
                        "id",
                        "7",
                        "user",
                        "bob",
                        "address",
                        "10.0.0.1",
                        "reason",
                        "limit_exceeded",
                        "code",
                        4009));
        assertEquals(
                "admin action=kick user=\"a b\" note=\"x=\\\"y\\\"\\u000a\" by=null",
                ConnectionLog.line("admin", "action", "kick", "user", "a b", "note", "x=\"y\"\n", "by", null));
        assertEquals("e empty=\"\"", ConnectionLog.line("e", "empty", ""));
    }

    @Test
    void lineBreaksAndBidiControlsOfAnyKindAreEscapedAndLongValuesCut() {
        assertEquals(
                "refuse user=\"a\\u0085b\\u2028c\\u2029d\\u202ee\\u000d\"",
                ConnectionLog.line("refuse", "user", "a\u0085b\u2028c\u2029d\u202ee\r"));
        String line = ConnectionLog.line("refuse", "user", "x".repeat(10_000));
        assertEquals("refuse user=\"" + "x".repeat(128) + "…(10000 chars)\"", line);
    }
}
