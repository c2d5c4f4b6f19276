package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.Browsers;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ChatPage;
import dev.parley.testing.ChatPage.Shown;
import dev.parley.testing.DeployedParley;
import dev.parley.testing.Http;
import dev.parley.testing.Screenshots;
import dev.parley.testing.ServerMetrics;
import dev.parley.testing.TcpProxy;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The chat page in real headless Chromium browsers against the deployed WAR: what a person sees and does. At most
 * two browsers run at once; each test quits its own.
 */
class BrowserIT extends DeployedParley {

    static final String HOSTILE = "<img src=x onerror=alert(1)>";

    private final Browsers browsers = new Browsers();

    @AfterEach
    void quitBrowsers() {
        browsers.close();
    }

    @Test
    void thePageComesWithSecurityHeaders() throws Exception {
        HttpResponse<String> page = get("/");
        HttpResponse<String> script = get("/js/app.js");

        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertAll(
                () -> assertEquals(200, page.statusCode()),
                () -> assertTrue(page.body().contains("js/app.js"), page::body),
                () -> assertTrue(policy.contains("script-src 'self'"), policy),
                () -> assertTrue(policy.contains("style-src 'self'"), policy),
                () -> assertTrue(policy.contains("frame-ancestors 'none'"), policy),
                () -> assertFalse(policy.contains("unsafe"), policy),
                () -> assertEquals(
                        "DENY", page.headers().firstValue("X-Frame-Options").orElse("")),
                () -> assertEquals(
                        "no-referrer",
                        page.headers().firstValue("Referrer-Policy").orElse("")),
                () -> assertEquals(
                        "nosniff",
                        page.headers().firstValue("X-Content-Type-Options").orElse("")),
                () -> assertEquals(200, script.statusCode()),
                () -> assertTrue(
                        script.headers().firstValue("Content-Type").orElse("").contains("javascript"),
                        script.headers()::toString));
    }

    @Test
    void twoPeopleChatInRoomsAndDirectly() throws Exception {
        String room = unique("lobby");
        String alice = unique("alice");
        String bob = unique("bob");
        ChatPage alicePage = inRoom(room, alice);
        ChatPage bobPage = browser()
                .load(page(""))
                .enterName(bob)
                .waitConnectedAs(bob)
                .waitInRoom("general")
                .joinWithForm(room);

        alicePage.say("Hi bob! The notes are at https://example.org/notes.");
        Shown hello = bobPage.waitMessage("Hi bob! The notes are at https://example.org/notes.");
        bobPage.say("Thanks alice\nreading them now");
        alicePage.waitMessage("Thanks alice\nreading them now");
        alicePage.say(HOSTILE);
        bobPage.waitMessage(HOSTILE);

        WebElement link = bobPage.find("#messages a.link").get(0);
        List<Shown> alicesView = alicePage.messages();
        assertAll(
                () -> assertEquals(alice, hello.from()),
                () -> assertTrue(hello.guest(), "a guest's message shows the guest mark: " + hello),
                () -> assertFalse(hello.own(), "someone else's message is not marked own"),
                () -> assertTrue(
                        alicesView.stream()
                                .filter(shown -> shown.from().equals(alice))
                                .allMatch(Shown::own),
                        alicesView::toString),
                () -> assertEquals("https://example.org/notes", link.getDomProperty("href")),
                () -> assertEquals("noopener noreferrer", link.getDomAttribute("rel")),
                () -> assertEquals("https://example.org/notes", link.getText(), "the full stop is not part of it"),
                () -> assertTrue(bobPage.find("#messages img").isEmpty(), "the hostile text became an element"),
                () -> assertFalse(bobPage.alertOpen(), "the hostile text ran script"),
                () -> assertFalse(alicePage.alertOpen(), "the hostile text ran script"));

        bobPage.openRoom("general");
        alicePage.say("Are you still there?");
        bobPage.waitUnread("room", room, "1").openRoom(room).waitMessage("Are you still there?");
        assertEquals("", bobPage.unread("room", room), "opening the room reads it");

        bobPage.openDirectFromMembers(alice).say("psst, just between us");
        alicePage.waitUnread("user", bob, "1").openDirect(bob).waitMessage("psst, just between us");
        alicePage.say("sure");
        bobPage.waitMessage("sure");
        bobPage.openRoom(room);
        alicePage.openRoom(room);
        saveSideBySide("two-browser-chat.png", alicePage, bobPage);

        String nobody = unique("nobody");
        bobPage.openDirectWithForm(nobody).say("anyone there?");
        Shown undelivered = bobPage.waitFailed("anyone there?");
        assertEquals("Not delivered: that person is not online.", undelivered.status());

        bobPage.openRoom(room).leave(room);
        alicePage.waitFor(
                "bob gone from the members",
                page -> page.find(".member-button[data-user='" + bob + "']").isEmpty() ? page : null);
        assertEquals("1 member", alicePage.subtitle());
    }

    /**
     * A right-to-left override (U+202E, allowed in text by protocol v1) before a link would draw the address backwards,
     * and one inside an address would hide where it leads: links end at bidi controls, read left to right whatever
     * stands around them, and show their real target.
     */
    @Test
    void bidiControlsCannotMakeALinkLie() {
        String room = unique("bidi");
        String reader = unique("reader");
        ChatPage page = inRoom(room, reader);
        String text = "see \u202Ehttps://example.org/gnp.exe and https://example.org/\u202Egpj.exe";
        try (ChatClient writer = ChatClient.open(base, unique("writer"))) {
            writer.join(room);
            writer.post(room, text);
        }
        page.waitMessage(text);

        // read in one script: the list is drawn again when the writer's leaving arrives, and elements found
        // before that go stale
        @SuppressWarnings("unchecked")
        List<List<Object>> links =
                (List<List<Object>>) page.script("return [...document.querySelectorAll('#messages a.link')].map(a => {"
                        + " const text = a.firstChild, at = i => { const r = document.createRange();"
                        + " r.setStart(text, i); r.setEnd(text, i + 1); return r.getBoundingClientRect().left; };"
                        + " return [a.textContent, at(0) < at(text.length - 1), a.getAttribute('title'), a.href]; });");
        assertAll(
                () -> assertEquals(2, links.size(), "two links"),
                () -> assertEquals("https://example.org/gnp.exe", links.get(0).get(0)),
                () -> assertEquals(
                        List.of(true, true),
                        links.stream().map(link -> link.get(1)).toList(),
                        "each address is drawn left to right"),
                () -> assertEquals("https://example.org/", links.get(1).get(0), "the control ends the link"),
                () -> assertEquals("https://example.org/", links.get(1).get(2)),
                () -> assertEquals("https://example.org/", links.get(1).get(3)));
    }

    @Test
    void messagesAlreadyShownKeepTheirNodesWhenMoreArrive() {
        String room = unique("nodes");
        ChatPage page = inRoom(room, unique("erin"));
        ChatClient.postAll(base, room, List.of("first", "second"));
        page.waitSeqs(List.of("1", "2"));
        // a property of the node itself, which a list rebuilt from scratch would not carry over
        page.script("document.querySelector('#messages [data-seq=\"1\"]').drawnBefore = true;");

        ChatClient.postAll(base, room, List.of("third"));
        page.waitSeqs(List.of("1", "2", "3"));

        assertEquals(
                true,
                page.script("return document.querySelector('#messages [data-seq=\"1\"]').drawnBefore === true;"),
                "the first message was drawn again: every frame would re-lay out the whole list");
    }

    @Test
    void typingShowsAndExpires() {
        String room = unique("typing");
        String alice = unique("alice");
        String bob = unique("bob");
        ChatPage alicePage = inRoom(room, alice);
        ChatPage bobPage = inRoom(room, bob);

        bobPage.type("I am thinking", false);
        alicePage.waitTyping(line -> line.equals(bob + " is typing…"), bob + " is typing");
        long shown = System.nanoTime();
        alicePage.waitTyping(String::isEmpty, "the typing line expired");
        long seconds = Duration.ofNanos(System.nanoTime() - shown).toSeconds();

        assertTrue(seconds >= 3, "the typing line went after " + seconds + " s, before its 5 s");
        assertEquals("", bobPage.typing(), "nobody is shown typing to themselves");
    }

    @Test
    void aCutConnectionComesBackWithNothingLostOrRepeated() {
        String room = unique("flaky");
        String alice = unique("alice");
        String bob = unique("bob");
        // more than a joined's 50 messages of history are missed, so only `history after` can bring them all back
        List<String> missed =
                IntStream.rangeClosed(1, 60).mapToObj(i -> "missed " + i).toList();
        try (TcpProxy proxy = TcpProxy.start(base.getHost(), base.getPort())) {
            URI throughProxy = URI.create("http://127.0.0.1:" + proxy.port() + "/#" + room);
            ChatPage alicePage = browser()
                    .load(throughProxy)
                    .enterName(alice)
                    .waitConnectedAs(alice)
                    .waitInRoom(room);
            ChatPage bobPage = inRoom(room, bob);
            bobPage.say("before the cut");
            alicePage.waitMessage("before the cut");

            proxy.cut();
            alicePage.waitDisconnected();
            bobPage.say("while you were away").waitMessage("while you were away");
            ChatClient.postAll(base, room, missed);
            alicePage.say("written offline");
            alicePage.waitPending("written offline");
            proxy.restore();

            alicePage.waitConnectedAs(alice).waitMessage("written offline");
            alicePage.waitMessage("missed 60");
            bobPage.waitMessage("written offline");

            List<String> expected = new ArrayList<>(List.of("before the cut", "while you were away"));
            expected.addAll(missed);
            expected.add("written offline");
            List<String> seqs = LongStream.rangeClosed(1, expected.size())
                    .mapToObj(Long::toString)
                    .toList();
            List<Shown> alicesView = alicePage.messages();
            List<Shown> bobsView = bobPage.messages();
            assertAll(
                    () -> assertEquals(expected, texts(alicesView), alicesView::toString),
                    () -> assertEquals(seqs, alicesView.stream().map(Shown::seq).toList(), alicesView::toString),
                    () -> assertTrue(alicesView.stream().allMatch(Shown::delivered), alicesView::toString),
                    () -> assertEquals(expected, texts(bobsView), bobsView::toString));
        }
    }

    /**
     * 200 messages of 4,000 {@code "} escape to about 1.6 M chars: as one {@code history} reply they overflowed the
     * 1 MiB outbox, the page was closed with 4008, reconnected, asked the same again, and so on forever.
     */
    @Test
    void aPageThatReconnectsIntoARoomOfMaximumSizeQuoteHeavyMessagesCatchesUpAndStaysConnected() throws Exception {
        String room = unique("quotes");
        String alice = unique("alice");
        List<String> missed = IntStream.rangeClosed(1, 200)
                .mapToObj(
                        i -> i + " " + "\"".repeat(4000 - 1 - String.valueOf(i).length()))
                .toList();
        try (TcpProxy proxy = TcpProxy.start(base.getHost(), base.getPort())) {
            ChatPage alicePage = browser()
                    .load(URI.create("http://127.0.0.1:" + proxy.port() + "/#" + room))
                    .enterName(alice)
                    .waitConnectedAs(alice)
                    .waitInRoom(room);
            ChatClient.postAll(base, room, List.of("before the cut"));
            alicePage.waitMessage("before the cut");
            proxy.cut();
            alicePage.waitDisconnected();
            ChatClient.postAll(base, room, missed);
            long overflowsBefore = queueOverflows();

            proxy.restore();
            alicePage.waitConnectedAs(alice);
            List<String> all = LongStream.rangeClosed(1, 1 + missed.size())
                    .mapToObj(Long::toString)
                    .toList();
            alicePage.waitSeqs(all);
            ChatClient.postAll(base, room, List.of("after the catch-up"));
            alicePage.waitMessage("after the catch-up");

            List<Shown> shown = alicePage.messages();
            assertAll(
                    () -> assertEquals("open", alicePage.connectionState(), alicePage::connectionText),
                    () -> assertEquals(0, queueOverflows() - overflowsBefore, "connections closed with 4008"),
                    () -> assertTrue(
                            missed.equals(texts(shown).subList(1, 1 + missed.size())),
                            "the missed texts are shown in order, each once"));
        }
    }

    private long queueOverflows() {
        return ServerMetrics.value(base, "parley_queue_overflows_total");
    }

    @Test
    void aDeepLinkOpensTheRoomAsTheNamedUserAndScrollingUpLoadsOlderMessages() throws IOException {
        String room = unique("deep");
        String carol = unique("carol");
        List<String> earlier =
                IntStream.rangeClosed(1, 70).mapToObj(i -> "earlier " + i).toList();
        ChatClient.postAll(base, room, earlier);
        ChatPage carolPage = browser().load(page("?name=" + carol + "#" + room));

        carolPage.waitConnectedAs(carol).waitInRoom(room);
        carolPage.waitMessage("earlier 70");
        int firstPage = carolPage.messages().size();
        carolPage.script("document.getElementById('scroller').scrollTop = 0;");
        carolPage.waitMessage("earlier 1");

        List<Shown> shown = carolPage.messages();
        assertAll(
                () -> assertEquals(50, firstPage, "a join brings the last 50"),
                () -> assertEquals(earlier, texts(shown), shown::toString),
                () -> assertTrue(
                        carolPage.find("#name-dialog").get(0).getDomAttribute("hidden") != null,
                        "no name prompt with a name in the link"),
                () -> assertEquals(
                        carol,
                        carolPage.find("#name").get(0).getDomProperty("value"),
                        "the name is still there to edit"),
                () -> assertEquals("page", carolPage.sidebarLink("room", room).getDomAttribute("aria-current")));
        Screenshots.save("phone-dark.png", carolPage.asDarkPhone().screenshot());

        ChatPage impostor = browser().load(page("?name=" + carol + "#" + room));
        impostor.waitFor(
                "the name prompt saying the name is taken",
                page -> page.nameProblem().equals("That name is taken. Pick another one.") ? page : null);
        assertEquals("stopped", impostor.connectionState(), "no reconnecting to a taken name");
        String dave = unique("dave");
        impostor.enterName(dave).waitConnectedAs(dave).waitInRoom(room).waitMessage("earlier 70");
    }

    /** A browser that opened the page on the room's link and entered as {@code name}. */
    private ChatPage inRoom(String room, String name) {
        return browsers.inRoom(base, room, name);
    }

    private ChatPage browser() {
        return browsers.start();
    }

    private URI page(String suffix) {
        return Browsers.page(base, suffix);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return Http.get(base.toURI().resolve(path));
    }

    private static List<String> texts(List<Shown> shown) {
        return shown.stream().map(Shown::text).collect(Collectors.toList());
    }

    /** Both browsers side by side in one PNG under the build directory, for a person to look at. */
    private static void saveSideBySide(String name, ChatPage left, ChatPage right) throws IOException {
        BufferedImage one = ImageIO.read(new ByteArrayInputStream(left.screenshot()));
        BufferedImage two = ImageIO.read(new ByteArrayInputStream(right.screenshot()));
        int gap = 16;
        BufferedImage both = new BufferedImage(
                one.getWidth() + gap + two.getWidth(),
                Math.max(one.getHeight(), two.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = both.createGraphics();
        graphics.setColor(new Color(0x2a2f45));
        graphics.fillRect(0, 0, both.getWidth(), both.getHeight());
        graphics.drawImage(one, 0, 0, null);
        graphics.drawImage(two, one.getWidth() + gap, 0, null);
        graphics.dispose();
        ImageIO.write(both, "png", Screenshots.directory().resolve(name).toFile());
    }
}
