package dev.parley;

import static dev.parley.testing.ChatClient.unique;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.Browsers;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ChatPage;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import dev.parley.testing.TcpProxy;
import jakarta.json.JsonObject;
import java.net.InetAddress;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chars one client address is sent in {@code joined} snapshots and {@code history} replies come out of budgets
 * per address ({@code parley.joins.chars-per-address-*}, {@code parley.history.chars-per-address-*}), tiny on this
 * server of its own: what goes over them is refused {@code rate_limited}, and the chat page waits and asks again by
 * itself. Each test uses addresses of its own (127.0.0.1 directly, others through a {@link TcpProxy}), so what one
 * spent does not refuse another.
 */
class AddressBudgetsIT {

    /** 30 messages of about 4,000 chars: a snapshot that leaves the address owing about 5 s of its join budget. */
    static final int MESSAGES = 30;

    static final int JOIN_CHARS_PER_SECOND = 20_000;
    static final int HISTORY_CHARS_PER_SECOND = 50_000;

    @RegisterExtension
    static final OwnServer server = OwnServer.forOneAddress(
            "address-budgets",
            "-Dparley.rate.say-per-second=1000",
            "-Dparley.rate.say-burst=1000",
            "-Dparley.joins.chars-per-address-per-second=" + JOIN_CHARS_PER_SECOND,
            "-Dparley.joins.chars-per-address-burst=" + JOIN_CHARS_PER_SECOND,
            "-Dparley.history.chars-per-address-per-second=" + HISTORY_CHARS_PER_SECOND,
            "-Dparley.history.chars-per-address-burst=" + HISTORY_CHARS_PER_SECOND);

    private final Browsers browsers = new Browsers();

    @AfterEach
    void quitBrowsers() {
        browsers.close();
    }

    /**
     * Many users behind one address reconnecting into busy rooms spend its join budget: the page's join is refused
     * {@code rate_limited}. It used to drop the room and show the error; it tries again after a backoff, and the
     * room is joined with its messages once the budget has refilled, without the user doing anything.
     */
    @Test
    void aJoinRefusedForItsAddressesBudgetIsTriedAgainByThePageUntilTheRoomIsJoined() {
        URL base = server.base();
        String room = unique("busy");
        String alice = unique("alice");
        List<String> texts = texts();
        ChatPage page = browsers.start(); // before the budget is spent: Chromium takes seconds to start
        try (ChatClient poster = ChatClient.open(base, unique("poster"))) {
            poster.join(room); // empty: its snapshot costs nothing
            texts.forEach(text -> poster.post(room, text));
            poster.join(room); // a snapshot of the 30 messages: the address owes the budget seconds of its rate
            poster.command("join", "room", unique("probe"));
            JsonObject refused = poster.awaitError("rate_limited");
            assertEquals("join", refused.getString("for"), refused::toString);
        }

        page.load(Browsers.page(base, "#" + room)).enterName(alice).waitConnectedAs(alice);

        page.waitFor(
                "the room's join refused and to be tried again",
                shown -> shown.subtitle().startsWith("Joining again"));
        page.waitInRoom(room);
        page.waitSeqs(
                LongStream.rangeClosed(1, MESSAGES).mapToObj(Long::toString).toList());
        assertAll(
                () -> assertEquals(
                        texts,
                        page.messages().stream().map(ChatPage.Shown::text).toList()),
                () -> assertEquals("", page.joinError(), "no error was shown"),
                () -> assertEquals("open", page.connectionState(), page::connectionText));
    }

    /**
     * A {@code history} reply is charged to its address as sent: the first page goes out whole (the budget had
     * chars left) and leaves the address owing the rest, the next query is refused {@code rate_limited} with
     * {@code for: "history"}, and once the budget has refilled the same query is answered.
     */
    @Test
    void historyRepliesAreChargedToTheAddressAndOneOverItsBudgetIsRefusedUntilItRefilled() throws Exception {
        String room = unique("pages");
        try (TcpProxy proxy = proxyFrom("127.0.0.3");
                ChatClient reader = ChatClient.open(base(proxy), unique("reader"))) {
            reader.join(room); // empty: its snapshot costs nothing
            texts().forEach(text -> reader.post(room, text));

            JsonObject page = history(reader, room);
            JsonObject refused = history(reader, room);

            assertAll(
                    () -> assertEquals("history", page.getString("type"), page::toString),
                    () -> assertEquals(MESSAGES, page.getJsonArray("messages").size()),
                    () -> assertEquals("error", refused.getString("type"), refused::toString),
                    () -> assertEquals("rate_limited", refused.getString("code")),
                    () -> assertEquals("history", refused.getString("for")),
                    () -> assertEquals(room, refused.getString("room")),
                    () -> assertTrue(refused.getString("message").contains("history"), refused::toString));
            JsonObject later = Poll.until(
                    Duration.ofSeconds(20),
                    () -> history(reader, room),
                    frame -> "history".equals(frame.getString("type")),
                    frame -> "the budget refilled; the last answer was " + frame);
            assertEquals(MESSAGES, later.getJsonArray("messages").size());
        }
    }

    /**
     * A page that reconnects after missing 300 messages catches up page by page ({@code history after}); its first
     * page leaves its address owing the history budget, so the next is refused {@code rate_limited}, and the page
     * asks for it again after a backoff until it is answered: every message is shown, once, without the user doing
     * anything. The page and the poster come through proxies from addresses of their own.
     */
    @Test
    void aCatchUpPageRefusedForItsAddressesHistoryBudgetIsAskedForAgainByThePage() throws Exception {
        String room = unique("missed");
        String bob = unique("bob");
        ChatPage page = browsers.start();
        try (TcpProxy pageProxy = proxyFrom("127.0.0.4");
                TcpProxy posterProxy = proxyFrom("127.0.0.5");
                ChatClient poster = ChatClient.open(base(posterProxy), unique("poster"))) {
            poster.join(room); // empty: its snapshot costs nothing
            page.load(Browsers.page(base(pageProxy), "#" + room))
                    .enterName(bob)
                    .waitConnectedAs(bob)
                    .waitInRoom(room);
            poster.post(room, "before the cut");
            page.waitMessage("before the cut");
            pageProxy.cut();
            page.waitDisconnected();
            List<String> refs = new ArrayList<>();
            for (int i = 1; i <= 300; i++) {
                refs.add(ChatClient.ref());
                poster.say(room, i + " " + "y".repeat(1000), refs.get(refs.size() - 1));
            }
            refs.forEach(poster::awaitOwn);

            pageProxy.restore();
            page.waitConnectedAs(bob);

            page.waitFor("the first catch-up page shown, the next one refused for now", shown -> {
                List<String> seqs = shown.seqs();
                return seqs.contains("201") && !seqs.contains("202");
            });
            page.waitSeqs(
                    LongStream.rangeClosed(1, 301).mapToObj(Long::toString).toList());
            assertEquals("open", page.connectionState(), page::connectionText);
        }
    }

    private static TcpProxy proxyFrom(String address) throws Exception {
        return TcpProxy.start(server.base().getHost(), server.base().getPort(), InetAddress.getByName(address));
    }

    private static URL base(TcpProxy proxy) throws Exception {
        return new URL("http://127.0.0.1:" + proxy.port() + "/");
    }

    private static JsonObject history(ChatClient reader, String room) {
        reader.command("history", "room", room, "after", 0, "limit", 200);
        return reader.await(
                frame -> "history".equals(frame.getString("type", null))
                        || "error".equals(frame.getString("type", null)),
                "history of " + room);
    }

    private static List<String> texts() {
        return IntStream.rangeClosed(1, MESSAGES)
                .mapToObj(i -> i + " " + "x".repeat(3990))
                .toList();
    }
}
