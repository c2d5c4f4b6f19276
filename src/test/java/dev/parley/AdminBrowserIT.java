package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.AdminApi;
import dev.parley.testing.Browsers;
import dev.parley.testing.ChatPage;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.Http;
import dev.parley.testing.RealmUsers;
import dev.parley.testing.Screenshots;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The admin page in headless Chromium as an operator meets it: the container's FORM login (styled, whatever URL it is
 * shown under), landing on the page asked for, and the page's actions reaching a chat page in another browser.
 */
class AdminBrowserIT extends DeployedParley {

    private final Browsers browsers = new Browsers();

    @AfterEach
    void quitBrowsers() {
        browsers.close();
    }

    @Test
    void anOperatorLogsInAnnouncesKicksDeletesARoomAndLogsOut() throws Exception {
        String room = unique("help");
        String guest = unique("guest");
        AdminApi api = AdminApi.basic(base, RealmUsers.ADMIN, RealmUsers.ADMIN_PASSWORD);
        for (String other : List.of(unique("lobby"), unique("support"))) {
            assertEquals(204, api.post("rooms", "{\"room\":\"" + other + "\"}").statusCode());
        }
        ChatPage chat = browser()
                .load(page("#" + room))
                .enterName(guest)
                .waitConnectedAs(guest)
                .waitInRoom(room);

        ChatPage admin = browser().load(page("admin/"));
        WebElement user = admin.waitFor("the login form", page -> single(page, "#j_username"));
        String stylesheet = (String) admin.script("return document.querySelector('link[rel=stylesheet]').href;");
        HttpResponse<String> css = Http.get(URI.create(stylesheet));
        assertAll(
                () -> assertEquals(200, css.statusCode(), stylesheet),
                () -> assertTrue(
                        css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"),
                        () -> stylesheet + " came as " + css.headers().firstValue("Content-Type")),
                () -> assertTrue(
                        ((Number) admin.script("return document.styleSheets[0].cssRules.length;")).intValue() > 0,
                        "the login page's stylesheet was not applied"));
        Screenshots.save("admin-login.png", admin.screenshot());

        user.sendKeys(RealmUsers.ADMIN);
        admin.find("#j_password").get(0).sendKeys(RealmUsers.ADMIN_PASSWORD, Keys.ENTER);
        admin.waitFor(
                "signed in as " + RealmUsers.ADMIN + " on /admin/",
                page -> path(page).equals("/admin/") && text(page, "#me").equals(RealmUsers.ADMIN));
        admin.waitFor("the room " + room + " with one member", page -> roomRow(page, room, "1"));

        fill(admin, "announce", "text", "Maintenance at noon");
        fill(admin, "announce", "room", room);
        submit(admin, "announce");
        chat.waitFor("the announcement in the chat", page -> notice(page, "Announcement: Maintenance at noon"));

        fill(admin, "kick", "room", room);
        fill(admin, "kick", "user", guest);
        fill(admin, "kick", "reason", "test over");
        submit(admin, "kick");
        chat.waitFor("the kick in the chat", page -> notice(page, "You were removed from this room."));
        admin.waitFor("the room " + room + " empty", page -> roomRow(page, room, "0"));
        admin.waitFor(
                "the kick in the audit trail", page -> text(page, "#audit").contains(room + "/" + guest) ? page : null);
        Screenshots.save("admin-page.png", admin.wholePage().screenshot());

        admin.script(
                "[...document.querySelectorAll('#rooms tr')].find(row => row.cells[0]?.textContent === arguments[0])"
                        + ".querySelector('.row-actions button:last-child').click();",
                room);
        assertEquals(room, admin.find("#purge-room [name=room]").get(0).getAttribute("value"));
        fill(admin, "purge-room", "confirm", room);
        fill(admin, "purge-room", "reason", "test over");
        submit(admin, "purge-room");
        admin.waitFor("the room " + room + " gone", page -> text(page, "#rooms").contains(room) ? null : page);
        admin.waitFor(
                "the deletion in the audit trail", page -> text(page, "#audit").contains("purge-room") ? page : null);
        assertEquals(404, api.get("rooms/" + room + "/members").statusCode());

        String signedIn = admin.cookieHeader();
        admin.find("header form button").get(0).click();
        admin.waitFor("logged out to the chat page", page -> path(page).equals("/") ? page : null);
        // what the browser held while signed in (a copy of it, or a request sent before the logout) opens nothing
        HttpResponse<String> replayed = Http.get(Browsers.page(base, "api/admin/session"), "Cookie", signedIn);
        assertEquals(401, replayed.statusCode(), () -> "the ended login's cookies still work: " + replayed.body());
        admin.load(page("admin/"));
        admin.waitFor("asked to log in again", page -> single(page, "#j_username"));
    }

    @Test
    void theChatPagesLogInLandsBackInTheChat() {
        ChatPage chat = browser().load(page("login?next=%2F%3Flogin"));
        WebElement user = chat.waitFor("the login form", page -> single(page, "#j_username"));
        user.sendKeys(RealmUsers.CHATTER);
        chat.find("#j_password").get(0).sendKeys(RealmUsers.CHATTER_PASSWORD, Keys.ENTER);

        chat.waitConnectedAs(RealmUsers.CHATTER);
        assertEquals("/", path(chat));
    }

    private ChatPage browser() {
        return browsers.start();
    }

    private URI page(String suffix) {
        return Browsers.page(base, suffix);
    }

    private static WebElement single(ChatPage page, String css) {
        List<WebElement> found = page.find(css);
        return found.size() == 1 && found.get(0).isDisplayed() ? found.get(0) : null;
    }

    private static String path(ChatPage page) {
        return (String) page.script("return location.pathname;");
    }

    private static String text(ChatPage page, String css) {
        return (String) page.script("return document.querySelector(arguments[0])?.textContent ?? '';", css);
    }

    /**
     * The page once its rooms table shows the room with that many members. Read in one script: the page redraws
     * the table and the chat its list while a test looks, so an element found a moment ago may be gone.
     */
    private static ChatPage roomRow(ChatPage page, String room, String members) {
        Object shown = page.script(
                "return [...document.querySelectorAll('#rooms tr')].some(row => row.cells.length > 1"
                        + " && row.cells[0].textContent === arguments[0] && row.cells[1].textContent === arguments[1]);",
                room,
                members);
        return Boolean.TRUE.equals(shown) ? page : null;
    }

    private static ChatPage notice(ChatPage page, String text) {
        Object shown = page.script(
                "return [...document.querySelectorAll('#messages li.system')].some(item => item.textContent"
                        + ".startsWith(arguments[0]));",
                text);
        return Boolean.TRUE.equals(shown) ? page : null;
    }

    private static void fill(ChatPage page, String form, String field, String value) {
        WebElement input = page.find("#" + form + " [name=" + field + "]").get(0);
        input.clear();
        input.sendKeys(value);
    }

    private static void submit(ChatPage page, String form) {
        page.find("#" + form + " button[type=submit]").get(0).click();
    }
}
