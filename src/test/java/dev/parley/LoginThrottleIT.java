package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.Poll;
import dev.parley.testing.RawHttp;
import dev.parley.testing.RealmUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failed logins, tried as a password guesser would: each is logged with the user name and the address and never the
 * password, and past {@code parley.logins.failures-per-address} (10 by default) the guesser's address is refused
 * with 429 even with the right password, while every other address logs in. The guessers come from 127.0.0.2 and
 * 127.0.0.3, so the other tests (127.0.0.1) are not refused.
 */
class LoginThrottleIT extends DeployedParley {

    static final int FAILURES_ALLOWED = 10;

    @Test
    void basicLoginsOfTheAdminApiAreThrottledPerAddress() {
        RawHttp guesser = RawHttp.from(base, "127.0.0.2");
        // a name nobody has: WildFly's realm locks a user name out after 10 failures of its own
        String nobody = unique("nobody");
        String guess = unique("guess");
        for (int i = 0; i < FAILURES_ALLOWED; i++) {
            assertEquals(
                    401,
                    guesser.send("GET", path("api/admin/stats"), null, basic(nobody, guess + i))
                            .status());
        }
        RawHttp.Response refused = guesser.send(
                "GET", path("api/admin/stats"), null, basic(RealmUsers.CHATTER, RealmUsers.CHATTER_PASSWORD));
        assertEquals(429, refused.status(), "the right password is not even checked: " + refused.body());

        assertEquals(
                403,
                AdminApi.basic(base, RealmUsers.CHATTER, RealmUsers.CHATTER_PASSWORD)
                        .get("stats")
                        .statusCode(),
                "another address logs in");
        assertLoggedWithoutPassword("127.0.0.2", "user=" + nobody + " address=127.0.0.2 via=basic", guess);
    }

    @Test
    void failedFormLoginsAreCountedAndTheLoginPageRefusesTheAddress() {
        RawHttp guesser = RawHttp.from(base, "127.0.0.3");
        String nobody = unique("nobody");
        String guess = unique("guess");
        for (int i = 0; i < FAILURES_ALLOWED; i++) {
            RawHttp.Response failed = guesser.send(
                    "POST",
                    path("j_security_check"),
                    form(nobody, guess + i),
                    "Content-Type: application/x-www-form-urlencoded");
            assertTrue(
                    failed.body().contains("did not match") || failed.status() == 429,
                    failed.status() + " " + failed.body());
        }
        RawHttp.Response page = guesser.send("GET", path("login?next=/"), null);
        assertEquals(429, page.status(), page.headers() + " " + page.body());
        RawHttp.Response elsewhere = RawHttp.from(base, "127.0.0.1").send("GET", path("login?next=/"), null);
        assertTrue(elsewhere.body().contains("j_security_check"), "another address gets the login form");
        assertLoggedWithoutPassword("127.0.0.3", "user=" + nobody + " address=127.0.0.3 via=form", guess);
    }

    private String path(String relative) {
        return base.getPath() + relative;
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String form(String user, String password) {
        return "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&j_password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    /** Every failure of {@code address} is logged as {@code expected} says, and the password nowhere. */
    private static void assertLoggedWithoutPassword(String address, String expected, String password) {
        List<String> logged = serverLogLines(line -> line.contains("login_failed") && line.contains(address));
        assertTrue(logged.get(0).contains(expected), logged.get(0));
        assertFalse(serverLog().contains(password), "a password in the server log");
    }

    private static List<String> serverLogLines(java.util.function.Predicate<String> wanted) {
        return Poll.until(
                ChatClient.TIMEOUT,
                () -> serverLog().lines().filter(wanted).toList(),
                lines -> lines.size() >= FAILURES_ALLOWED,
                lines -> "failed logins in the server log: " + lines);
    }

    private static String serverLog() {
        try {
            return Files.readString(Path.of(System.getProperty("parley.it.server-log")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
