package dev.parley.web.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

class LoginTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/|/",
                "/admin/|/admin/",
                "/?name=alice#general|/?name=alice#general",
                "https://evil.example/|/",
                "//evil.example/|/",
                "/\\evil.example|/",
                "admin/|/",
                "''|/"
            })
    void keepsOnlyPathsOnThisServer(String next, String expected) {
        assertEquals(expected, Login.localPath(next));
    }

    @ParameterizedTest
    @NullSource
    void withoutNextGoesToThePage(String next) {
        assertEquals("/", Login.localPath(next));
    }

    @ParameterizedTest
    @CsvSource({"'/\r\nSet-Cookie: x=1'", "'/\u0000'"})
    void refusesControlCharacters(String next) {
        assertEquals("/", Login.localPath(next));
    }
}
