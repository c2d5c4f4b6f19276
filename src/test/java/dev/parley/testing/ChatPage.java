package dev.parley.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), seen the way
 * a person uses it: typing into fields and reading what the page shows. Every wait is a {@link WebDriverWait};
 * {@link #close()} quits the browser and removes its fresh profile.
 */
public final class ChatPage implements AutoCloseable {

    public static final Duration WAIT = Duration.ofMillis(Long.getLong("parley.test.browser-wait-ms", 30_000));
    private static final String CHROMIUM = System.getProperty("parley.test.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("parley.test.chromedriver", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;
    /** The page's tab while another is in front ({@link #toBackground}). */
    private String pageTab;

    private ChatPage(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Starts a fresh Chromium: its own profile directory, so no storage leaks between browsers or runs. Where
     * Chromium is not installed the test is skipped, not failed, so {@code mvn verify} passes on a machine with only
     * a JDK and Maven; {@code .ci/run} installs Chromium and refuses to go on without it, so CI never skips.
     */
    public static ChatPage start() {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                () -> "browser test skipped: no " + CHROMIUM + " or " + CHROMEDRIVER
                        + " (apt-get install -y chromium chromium-driver)");
        Path profile;
        try {
            profile = Files.createTempDirectory("parley-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1200,760",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        try {
            return new ChatPage(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
    }

    /** A fresh wait each time: {@code withMessage} changes the wait it is called on. */
    /**
     * A wait whose probes may find an element of the page being left (a form post or a reload navigates away):
     * that element going stale means "not yet", as not finding one does.
     */
    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    public ChatPage load(URI page) {
        driver.get(page.toString());
        return this;
    }

    /** Answers the name prompt the page shows when it has no name yet. */
    public ChatPage enterName(String name) {
        WebElement field = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("name")));
        field.clear();
        field.sendKeys(name, Keys.ENTER);
        return this;
    }

    public ChatPage waitConnectedAs(String name) {
        waiting()
                .withMessage(() -> "connected as " + name + "; the page says: " + connectionText())
                .until(d -> "open".equals(connectionState()) && connectionText().contains(name));
        return this;
    }

    public ChatPage waitDisconnected() {
        waiting()
                .withMessage(() -> "disconnected; the page says: " + connectionText())
                .until(d -> !"open".equals(connectionState()));
        return this;
    }

    public String connectionState() {
        return driver.findElement(By.id("connection")).getDomAttribute("data-state");
    }

    /** What the name prompt says is wrong with the name, or "" when it is not shown. */
    public String nameProblem() {
        WebElement problem = driver.findElement(By.id("name-error"));
        return problem.isDisplayed() ? problem.getText() : "";
    }

    public String connectionText() {
        return driver.findElement(By.id("connection-text")).getText();
    }

    /** Joins (or creates) a room with the sidebar's form and waits until it is the open conversation, joined. */
    public ChatPage joinWithForm(String room) {
        WebElement field = driver.findElement(By.id("room-name"));
        field.sendKeys(room, Keys.ENTER);
        return waitInRoom(room);
    }

    public ChatPage waitInRoom(String room) {
        waiting()
                .withMessage(() -> "in room " + room + "; the title is " + title() + ", " + subtitle())
                .until(d -> title().equals("# " + room) && subtitle().contains("member"));
        return this;
    }

    public String title() {
        return driver.findElement(By.id("conversation-title")).getText();
    }

    public String subtitle() {
        return driver.findElement(By.id("conversation-subtitle")).getText();
    }

    /** What the sidebar's join form says went wrong with the last join, or "". */
    public String joinError() {
        return driver.findElement(By.id("join-error")).getText();
    }

    /** Opens a conversation from the sidebar: a room by name, or a direct conversation by the other's name. */
    public ChatPage openRoom(String room) {
        sidebarLink("room", room).click();
        return waitInRoom(room);
    }

    public ChatPage openDirect(String user) {
        sidebarLink("user", user).click();
        waiting().until(d -> title().equals(user));
        return this;
    }

    public ChatPage openDirectFromMembers(String user) {
        waiting()
                .until(ExpectedConditions.elementToBeClickable(
                        By.cssSelector(".member-button[data-user='" + user + "']")))
                .click();
        waiting().until(d -> title().equals(user));
        return this;
    }

    public ChatPage openDirectWithForm(String user) {
        driver.findElement(By.id("dm-name")).sendKeys(user, Keys.ENTER);
        waiting().until(d -> title().equals(user));
        return this;
    }

    /** Fills one of the page's small forms (its input by id) and sends it with Enter. */
    public ChatPage submit(String inputId, String value) {
        driver.findElement(By.id(inputId)).sendKeys(value, Keys.ENTER);
        return this;
    }

    /** Waits until the open conversation's title is this one. */
    public ChatPage waitTitle(String expected) {
        waiting()
                .withMessage(() -> "the title " + expected + ", was " + title())
                .until(d -> title().equals(expected));
        return this;
    }

    /** Leaves the open room with the button in its header and waits until the sidebar no longer lists it. */
    public ChatPage leave(String room) {
        driver.findElement(By.id("leave")).click();
        waiting()
                .withMessage(() -> room + " left")
                .until(d -> d.findElements(By.cssSelector(".conversation-link[data-room='" + room + "']"))
                        .isEmpty());
        return this;
    }

    public WebElement sidebarLink(String kind, String name) {
        return waiting()
                .until(ExpectedConditions.elementToBeClickable(
                        By.cssSelector(".conversation-link[data-" + kind + "='" + name + "']")));
    }

    /** The unread badge of a sidebar entry, or "" without one. */
    public String unread(String kind, String name) {
        List<WebElement> badges =
                driver.findElements(By.cssSelector(".conversation-link[data-" + kind + "='" + name + "'] .unread"));
        return badges.isEmpty() ? "" : badges.get(0).getText();
    }

    /** The mention badge of a sidebar entry (e.g. "@2"), or "" without one. */
    public String mentions(String kind, String name) {
        List<WebElement> badges =
                driver.findElements(By.cssSelector(".conversation-link[data-" + kind + "='" + name + "'] .mentions"));
        return badges.isEmpty() ? "" : badges.get(0).getText();
    }

    public ChatPage waitMentions(String kind, String name, String badge) {
        waiting()
                .withMessage(() -> "mentions " + badge + " on " + name + ", was '" + mentions(kind, name) + "'")
                .until(d -> mentions(kind, name).equals(badge));
        return this;
    }

    public ChatPage waitUnread(String kind, String name, String count) {
        waiting()
                .withMessage(() -> "unread " + count + " on " + name + ", was '" + unread(kind, name) + "'")
                .until(d -> unread(kind, name).equals(count));
        return this;
    }

    /** Types into the message box; the lines are joined with Shift+Enter, and Enter sends when {@code send}. */
    public ChatPage type(String text, boolean send) {
        WebElement box = driver.findElement(By.id("text"));
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                box.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            }
            box.sendKeys(lines[i]);
        }
        if (send) {
            box.sendKeys(Keys.ENTER);
        }
        return this;
    }

    public ChatPage say(String text) {
        return type(text, true);
    }

    public ChatPage clearMessageBox() {
        WebElement box = driver.findElement(By.id("text"));
        box.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        return this;
    }

    /** What the open conversation shows, one {@link Shown} per message, in order. */
    public List<Shown> messages() {
        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) ((JavascriptExecutor) driver)
                .executeScript("return [...document.querySelectorAll('#messages li.msg')].map(li => ["
                        + "li.querySelector('.from').textContent, li.querySelector('.text').textContent,"
                        + "li.className, li.dataset.seq || '', li.querySelector('.status')?.textContent || '',"
                        + "li.querySelector('.meta .guest')?.textContent || '']);");
        return rows.stream()
                .map(row -> new Shown(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5)))
                .toList();
    }

    /** The seqs of the messages the open conversation shows, in order: short where the texts are long. */
    @SuppressWarnings("unchecked")
    public List<String> seqs() {
        return (List<String>) ((JavascriptExecutor) driver)
                .executeScript("return [...document.querySelectorAll('#messages li.msg')].map(li => li.dataset.seq);");
    }

    public ChatPage waitSeqs(List<String> expected) {
        waiting()
                .withMessage(() -> "seqs " + expected + "; the page shows " + seqs() + " and says " + connectionText())
                .until(d -> seqs().equals(expected));
        return this;
    }

    /** Waits until a message with exactly this text is shown and delivered (not pending, not failed). */
    public Shown waitMessage(String text) {
        return waitFor(
                "a delivered message '" + text + "'",
                page -> page.messages().stream()
                        .filter(shown -> shown.text().equals(text) && shown.delivered())
                        .findFirst()
                        .orElse(null));
    }

    public Shown waitPending(String text) {
        return waitFor(
                "a pending message '" + text + "'",
                page -> page.messages().stream()
                        .filter(shown ->
                                shown.text().equals(text) && shown.classes().contains("pending"))
                        .findFirst()
                        .orElse(null));
    }

    public Shown waitFailed(String text) {
        return waitFor(
                "a failed message '" + text + "'",
                page -> page.messages().stream()
                        .filter(shown ->
                                shown.text().equals(text) && shown.classes().contains("failed"))
                        .findFirst()
                        .orElse(null));
    }

    public String typing() {
        return driver.findElement(By.id("typing")).getText();
    }

    public ChatPage waitTyping(Function<String, Boolean> condition, String what) {
        waiting()
                .withMessage(() -> what + "; the typing line says '" + typing() + "'")
                .until(d -> condition.apply(typing()));
        return this;
    }

    public List<WebElement> find(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    public boolean alertOpen() {
        try {
            driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }

    public <T> T waitFor(String what, Function<ChatPage, T> probe) {
        return waiting()
                .withMessage(() -> what + "; the page shows " + messages())
                .until(d -> probe.apply(this));
    }

    /**
     * From the next page loaded on: every desktop notification a page raises is recorded in its origin's
     * localStorage ({@link #notifications}) with its title, body and whether Chromium showed it. The page still
     * calls the browser's own {@code Notification}; only its constructor is wrapped.
     */
    public ChatPage recordingNotifications() {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", NOTIFICATION_RECORDER));
        return this;
    }

    private static final String NOTIFICATION_RECORDER = """
            if ('Notification' in window) {
                const key = 'parley.test.notifications';
                const update = (change) => {
                    const all = JSON.parse(localStorage.getItem(key) ?? '[]');
                    change(all);
                    localStorage.setItem(key, JSON.stringify(all));
                };
                window.Notification = new Proxy(window.Notification, {
                    construct(target, args) {
                        const shown = new target(...args);
                        const entry = { title: args[0], body: args[1]?.body ?? '', hidden: document.hidden };
                        update((all) => all.push({ ...entry, shown: false }));
                        shown.addEventListener('show', () => update((all) => {
                            const found = all.find((e) => e.title === entry.title && e.body === entry.body);
                            found.shown = true;
                        }));
                        return shown;
                    },
                });
            }
            """;

    /** The notifications recorded so far ({@link #recordingNotifications}), read in the tab in front. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> notifications() {
        return (List<Map<String, Object>>)
                script("return JSON.parse(localStorage.getItem('parley.test.notifications') ?? '[]');");
    }

    /** The site grants the page's origin the notifications permission, as the person's "Allow" would. */
    public ChatPage allowNotifications(URI origin) {
        driver.executeCdpCommand(
                "Browser.grantPermissions",
                Map.of("origin", origin.toString().replaceAll("/$", ""), "permissions", List.of("notifications")));
        return this;
    }

    /**
     * Opens another tab in front, on {@code page} (one of the same origin shares its localStorage): the chat page's
     * tab is hidden then ({@code document.hidden}), as when the person switched tabs.
     */
    public ChatPage toBackground(URI page) {
        pageTab = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(page.toString());
        return this;
    }

    /** Closes the tab {@link #toBackground} opened: the chat page is in front again. */
    public ChatPage toFront() {
        driver.close();
        driver.switchTo().window(pageTab);
        return this;
    }

    /** A phone-sized window in the dark colour scheme, the other way people see the page. */
    public ChatPage asDarkPhone() {
        driver.manage().window().setSize(new Dimension(390, 844));
        driver.executeCdpCommand(
                "Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        return this;
    }

    /** A window as tall as the page, so that a screenshot shows all of it, not only the top. */
    public ChatPage wholePage() {
        long height = ((Number) script("return document.documentElement.scrollHeight;")).longValue();
        Dimension size = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(height + 140, 4000)));
        return this;
    }

    /** The cookies the browser holds for the page's site, HttpOnly ones included, as a {@code Cookie} header. */
    public String cookieHeader() {
        return driver.manage().getCookies().stream()
                .map(cookie -> cookie.getName() + "=" + cookie.getValue())
                .collect(Collectors.joining("; "));
    }

    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a profile left in the temp directory is harmless
        }
    }

    /**
     * One message as shown: sender, text, CSS classes ({@code own}, {@code pending}, {@code failed}), seq, status
     * line, and the mark a guest's name gets.
     */
    public record Shown(String from, String text, String classes, String seq, String status, String mark) {

        public boolean guest() {
            return "guest".equals(mark);
        }

        public boolean delivered() {
            return !classes.contains("pending") && !classes.contains("failed");
        }

        public boolean own() {
            return List.of(classes.split(" ")).contains("own");
        }
    }
}
