package dev.parley.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** A logged-in user's devices on a server of a test's own: each with a FORM login of its own. */
public final class Devices {

    private Devices() {}

    /** A connection of the user, logged in, with {@code query} on its URL (e.g. {@code membership=1}). */
    public static ChatClient connect(OwnServer server, String user, String password, String query) throws Exception {
        FormLogin login = FormLogin.as(server.process().httpUri(), user, password);
        assertTrue(login.succeeded, user + " could not log in");
        ChatClient client = ChatClient.welcomed(
                ChatClient.connect(ChatClient.chatUri(server.base(), query), Map.of("Cookie", login.cookies())));
        assertEquals(user, client.welcome().getString("user"));
        return client;
    }

    /** A browser of its own (its own cookies), logged in through the server's form, back on the page. */
    public static ChatPage loggedInPage(OwnServer server, String user, String password) {
        return logIn(ChatPage.start(), server, user, password);
    }

    /** Logs the browser in through the server's form, as the page's Log in link does; closes it if that fails. */
    public static ChatPage logIn(ChatPage page, OwnServer server, String user, String password) {
        try {
            page.load(server.process().httpUri().resolve("login?next=%2F%3Flogin"));
            page.waitFor(
                            "the server's login form",
                            p -> p.find("#j_username").stream()
                                    .filter(WebElement::isDisplayed)
                                    .findFirst()
                                    .orElse(null))
                    .sendKeys(user);
            page.find("#j_password").get(0).sendKeys(password, Keys.ENTER);
            return page.waitConnectedAs(user);
        } catch (RuntimeException | Error failed) {
            page.close(); // the caller's try-with-resources never got it
            throw failed;
        }
    }
}
