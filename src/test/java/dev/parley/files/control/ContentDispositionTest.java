package dev.parley.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class ContentDispositionTest {

    @Test
    void anAsciiNameIsGivenInBothForms() {
        assertEquals("inline; filename=\"cat.png\"; filename*=UTF-8''cat.png", ContentDisposition.of("cat.png", true));
        assertEquals(
                "attachment; filename=\"report 2026.pdf\"; filename*=UTF-8''report%202026.pdf",
                ContentDisposition.of("report 2026.pdf", false));
    }

    @Test
    void theFallbackEscapesQuotesAndBackslashes() {
        assertEquals(
                "attachment; filename=\"a\\\"b\\\\c.txt\"; filename*=UTF-8''a%22b%5Cc.txt",
                ContentDisposition.of("a\"b\\c.txt", false));
    }

    @Test
    void nonAsciiIsAnUnderscoreInTheFallbackAndUtf8InTheExtendedForm() {
        assertEquals(
                "attachment; filename=\"_t_ _.txt\"; filename*=UTF-8''%C3%A9t%C3%A9%20%F0%9F%98%80.txt",
                ContentDisposition.of("\u00e9t\u00e9 \ud83d\ude00.txt", false));
    }

    @Test
    void onlyAttributeCharactersGoUnencoded() {
        assertEquals(
                "attachment; filename=\"a!#$&+-.^_`|~b\"; filename*=UTF-8''a!#$&+-.^_`|~b",
                ContentDisposition.of("a!#$&+-.^_`|~b", false));
        assertEquals(
                "attachment; filename=\"a';(),=b\"; filename*=UTF-8''a%27%3B%28%29%2C%3Db",
                ContentDisposition.of("a';(),=b", false));
    }

    /** RFC 6266 appendix D: some browsers decode %xx in the plain filename, so the fallback carries no percent. */
    @Test
    void theFallbackCarriesNoPercentEscape() {
        assertEquals(
                "attachment; filename=\"100_41.txt\"; filename*=UTF-8''100%2541.txt",
                ContentDisposition.of("100%41.txt", false));
    }

    @Test
    void noNameCanBreakTheHeader() {
        String header = ContentDisposition.of("a\r\nSet-Cookie: x=1\u0000\u007f.txt", false);
        assertFalse(header.chars().anyMatch(c -> c < 0x20 || c >= 0x7f), header);
        assertEquals(
                "attachment; filename=\"a__Set-Cookie: x=1__.txt\";"
                        + " filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1%00%7F.txt",
                header);
        assertEquals("attachment; filename=\"file\"; filename*=UTF-8''file", ContentDisposition.of(null, false));
    }
}
