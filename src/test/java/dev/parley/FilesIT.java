package dev.parley;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.files.control.Samples;
import dev.parley.testing.AdminApi;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ChatPage;
import dev.parley.testing.Devices;
import dev.parley.testing.FileUploads;
import dev.parley.testing.FormLogin;
import dev.parley.testing.Http;
import dev.parley.testing.OwnServer;
import dev.parley.testing.Poll;
import dev.parley.testing.Screenshots;
import dev.parley.testing.ServerMetrics;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/**
 * Files (the files extension) on a real server and database: an image shared in a room reaches its members, is served
 * inline and safely to a guest with its link, and survives a SIGKILL; hostile uploads are refused and what is not an
 * image is never served as one; a private room's file goes only to its members, an unposted upload only to its owner
 * until it is removed; a deleted message takes its file along.
 */
class FilesIT {

    static final String PASSWORD = "files-Share-1";
    static final int MAX_BYTES = 300_000;
    /** Not the default 10: the page must take it from the welcome. */
    static final int MAX_PER_MESSAGE = 3;
    /**
     * The profile's {@code parley.it.files.encoded-slash-status}: 404 from Parley on WildFly and Payara, whose
     * containers hand {@code %2F} to the application undecoded; 400 on Open Liberty, which refuses a path with an
     * encoded "/" before any application sees it, as Servlet 6.0 (3.5.2, suspicious sequences) asks.
     */
    static final int ENCODED_SLASH_STATUS =
            Integer.parseInt(System.getProperty("parley.it.files.encoded-slash-status", "404"));

    /**
     * The profile's {@code parley.it.files.store}: the default directory on H2, and the database on PostgreSQL, so
     * that each store is tested on every server that runs this.
     */
    static final String STORE = System.getProperty("parley.it.files.store", "directory");

    @RegisterExtension
    static final OwnServer server = OwnServer.forOneAddress(
                    "files",
                    "-Dparley.files.store=" + STORE,
                    "-Dparley.files.max-bytes=" + MAX_BYTES,
                    "-Dparley.files.max-per-message=" + MAX_PER_MESSAGE,
                    "-Dparley.files.unposted-ttl-ms=4000",
                    "-Dparley.files.sweep-interval-ms=500")
            .withUser("kim", PASSWORD)
            .withUser("lou", PASSWORD)
            .withUser("max", PASSWORD)
            .withUser("ops", PASSWORD, "chat-admin");

    @Test
    void anImageSharedInARoomReachesItsMembersIsServedSafelyAndSurvivesASigkill() throws Exception {
        String room = ChatClient.unique("shots");
        byte[] png = realPng(64, 48);
        JsonObject uploaded;
        try (ChatClient kim = Devices.connect(server, "kim", PASSWORD, "membership=1");
                ChatClient guest = ChatClient.open(server.base(), ChatClient.unique("guest"))) {
            assertTrue(ChatClient.strings(guest.welcome(), "features").contains("files"));
            kim.join(room);
            guest.join(room);
            uploaded =
                    created(FileUploads.upload(login("kim").http, root(), "screen shot.png", "image/png", png, true));
            assertEquals("image/png", uploaded.getString("type"));
            assertEquals("screen shot.png", uploaded.getString("name"));
            assertEquals(png.length, uploaded.getInt("size"));
            assertEquals(64, uploaded.getInt("width"));
            assertEquals(48, uploaded.getInt("height"));

            kim.command("say", "room", room, "text", "", "ref", "f-1", "files", ids(uploaded));
            JsonObject seen = guest.await("message");
            assertEquals(uploaded, seen.getJsonArray("files").getJsonObject(0), "the guest sees the file");
            assertEquals("", seen.getString("text"));
        }
        assertEquals(
                STORE.equals("directory"),
                Files.exists(bytesOf(uploaded)),
                "the bytes are in the files' directory exactly when parley.files.store is directory: " + STORE);
        HttpClient stranger = Http.client(); // no cookie: a guest, with the link alone
        HttpResponse<byte[]> served = FileUploads.download(stranger, root(), uploaded.getString("url"));
        assertEquals(200, served.statusCode());
        assertArrayEquals(png, served.body());
        assertEquals("image/png", header(served, "Content-Type"));
        assertTrue(header(served, "Content-Disposition").startsWith("inline;"), header(served, "Content-Disposition"));
        assertEquals("nosniff", header(served, "X-Content-Type-Options"));
        assertEquals("default-src 'none'; sandbox", header(served, "Content-Security-Policy"));

        server.process().kill();
        server.process().start();

        try (ChatClient later = ChatClient.open(server.base(), ChatClient.unique("later"))) {
            JsonObject joined = later.join(room);
            assertEquals(
                    uploaded,
                    joined.getJsonArray("history")
                            .getJsonObject(0)
                            .getJsonArray("files")
                            .getJsonObject(0),
                    "history carries the file after the restart");
        }
        assertArrayEquals(
                png,
                FileUploads.download(stranger, root(), uploaded.getString("url"))
                        .body());
    }

    @Test
    void hostileUploadsAreRefusedAndWhatIsNoImageIsNeverServedAsOne() throws Exception {
        HttpClient kim = login("kim").http;
        long refusedBefore = ServerMetrics.value(server.base(), "parley_files_refused_total");
        byte[] html = "<html><script>alert(document.cookie)</script></html>".getBytes(StandardCharsets.UTF_8);

        assertRefused(
                401, "unauthorized", FileUploads.upload(Http.client(), root(), "a.txt", "text/plain", html, true));
        assertRefused(403, "bad_request", FileUploads.upload(kim, root(), "a.txt", "text/plain", html, false));
        assertRefused(415, "bad_request", FileUploads.upload(kim, root(), "cat.png", "image/png", html, true));
        assertRefused(415, "bad_request", FileUploads.upload(kim, root(), "x.txt", "image/jpeg", html, true));
        assertRefused(
                415,
                "bad_request",
                FileUploads.upload(kim, root(), "bomb.png", "image/png", Samples.png(100_000, 100_000), true));
        assertRefused(
                415, "bad_request", FileUploads.upload(kim, root(), "empty.txt", "text/plain", new byte[0], true));
        byte[] large = new byte[MAX_BYTES + 1];
        Arrays.fill(large, (byte) 'a');
        assertRefused(413, "limit_exceeded", FileUploads.upload(kim, root(), "big.txt", "text/plain", large, true));

        assertEquals(
                refusedBefore + 7,
                ServerMetrics.value(server.base(), "parley_files_refused_total"),
                "each refusal counted (the answer is sent after the count)");

        JsonObject page = created(FileUploads.upload(kim, root(), "../../etc/page.html", "text/html", html, true));
        assertEquals(
                "page.html.txt",
                page.getString("name"),
                "only the last segment of a path, and a saved copy opens as the text it is served as");
        assertEquals("text/plain", page.getString("type"), "HTML is never served as HTML");
        HttpResponse<byte[]> served = FileUploads.download(kim, root(), page.getString("url"));
        assertEquals("text/plain; charset=UTF-8", header(served, "Content-Type").replace(";charset", "; charset"));
        assertTrue(
                header(served, "Content-Disposition").startsWith("attachment; filename=\"page.html.txt\""),
                header(served, "Content-Disposition"));
        assertEquals("nosniff", header(served, "X-Content-Type-Options"));

        String guessed = "AAAAAAAAAAAAAAAAAAAAAA";
        assertEquals(
                404,
                FileUploads.download(Http.client(), root(), "api/files/" + guessed)
                        .statusCode());
        assertEquals(
                ENCODED_SLASH_STATUS,
                FileUploads.download(Http.client(), root(), "api/files/..%2F..%2Fetc")
                        .statusCode(),
                "a path in the id");
    }

    @Test
    void aPrivateRoomsFileGoesToItsMembersOnlyAndAnUnpostedUploadToItsOwnerUntilItIsRemoved() throws Exception {
        Devices.connect(server, "lou", PASSWORD, "membership=1").close();
        FormLogin kimsLogin = login("kim");
        try (ChatClient kim = Devices.connect(server, "kim", PASSWORD, "membership=1")) {
            kim.await("kept");
            String title = ChatClient.unique("plans");
            kim.command("create", "title", title);
            String plans = kim.await(
                            frame -> "joined".equals(frame.getString("type", null))
                                    && title.equals(frame.getString("title", null)),
                            "joined " + title)
                    .getString("room");
            kim.command("invite", "room", plans, "user", "lou");
            kim.await("invited");
            JsonObject file = created(FileUploads.upload(
                    kimsLogin.http,
                    root(),
                    "plan.txt",
                    "text/plain",
                    "step one".getBytes(StandardCharsets.UTF_8),
                    true));
            String url = file.getString("url");
            assertEquals(404, FileUploads.download(Http.client(), root(), url).statusCode(), "unposted: its owner's");
            assertEquals(200, FileUploads.download(kimsLogin.http, root(), url).statusCode());
            kim.command("say", "room", plans, "text", "the plan", "ref", "p-1", "files", ids(file));
            kim.awaitOwn("p-1");

            assertEquals(
                    200, FileUploads.download(login("lou").http, root(), url).statusCode(), "a member");
            assertEquals(
                    404, FileUploads.download(login("max").http, root(), url).statusCode(), "no member");
            assertEquals(404, FileUploads.download(Http.client(), root(), url).statusCode(), "a guest");

            kim.command("say", "room", plans, "text", "again", "ref", "p-2", "files", ids(file));
            JsonObject again = kim.await("error");
            assertEquals("bad_request", again.getString("code"), "a file goes in one message: " + again);

            JsonObject forgotten = created(FileUploads.upload(
                    kimsLogin.http, root(), "draft.txt", "text/plain", "draft".getBytes(StandardCharsets.UTF_8), true));
            Poll.until(
                    Duration.ofSeconds(30),
                    () -> statusOf(kimsLogin.http, forgotten.getString("url")) == 404,
                    "the unposted upload is removed after parley.files.unposted-ttl-ms");
            Poll.until(
                    Duration.ofSeconds(30),
                    () -> !Files.exists(bytesOf(forgotten)),
                    "its bytes are removed from the files' directory with its row");
            kim.command("say", "room", plans, "text", "late", "ref", "p-3", "files", ids(forgotten));
            assertEquals("bad_request", kim.await("error").getString("code"));
        }
    }

    @Test
    void aMessageAnOperatorDeletesTakesItsFileAlong() throws Exception {
        String room = ChatClient.unique("deleted");
        try (ChatClient kim = Devices.connect(server, "kim", PASSWORD, "membership=1")) {
            kim.join(room);
            JsonObject file = created(FileUploads.upload(
                    login("kim").http,
                    root(),
                    "oops.txt",
                    "text/plain",
                    "secret".getBytes(StandardCharsets.UTF_8),
                    true));
            kim.command("say", "room", room, "text", "oops", "ref", "d-1", "files", ids(file));
            long seq = kim.awaitOwn("d-1").getJsonNumber("seq").longValue();
            assertEquals(
                    200,
                    FileUploads.download(Http.client(), root(), file.getString("url"))
                            .statusCode());

            assertEquals(STORE.equals("directory"), Files.exists(bytesOf(file)), "its bytes were kept under " + STORE);
            AdminApi operator = AdminApi.basic(server.base(), "ops", PASSWORD);
            operator.ok(operator.delete("rooms/" + room + "/messages/" + seq));

            JsonObject deleted = kim.await("deleted");
            assertEquals(seq, deleted.getJsonNumber("seq").longValue());
            assertEquals(
                    404,
                    FileUploads.download(Http.client(), root(), file.getString("url"))
                            .statusCode());
            // removed once the deletion committed, which was before the operator's answer
            assertFalse(Files.exists(bytesOf(file)), "the bytes are gone from the files' directory too");
            JsonObject kept = kim.wholeHistory(room).get(0);
            assertFalse(kept.containsKey("files"), kept::toString);
        }
    }

    /**
     * As people do it: kim picks an image with the page's file picker, sees it upload and sends it; lou, in another
     * browser, sees its thumbnail load, and sees it again after a reload (from history). A text file goes as a
     * download link.
     */
    @Test
    void anImagePickedInOneBrowserShowsAsAThumbnailInAnother(@TempDir Path files) throws Exception {
        String room = ChatClient.unique("pics");
        Path picture = files.resolve("sunset.png");
        Files.write(picture, realPng(320, 200));
        Path notes = files.resolve("notes.txt");
        Files.writeString(notes, "bring the tripod");
        try (ChatPage kim = Devices.loggedInPage(server, "kim", PASSWORD);
                ChatPage lou = Devices.loggedInPage(server, "lou", PASSWORD)) {
            kim.joinWithForm(room).waitInRoom(room);
            lou.joinWithForm(room).waitInRoom(room);
            assertTrue(kim.find("#attach").get(0).isDisplayed(), "a logged-in user may attach files");

            kim.find("#file-picker").get(0).sendKeys(picture + "\n" + notes);
            kim.waitFor(
                    "both files uploaded", p -> p.find("#attachments li.ready").size() == 2 ? true : null);
            kim.say("from the hill");
            kim.waitFor("the tray emptied", p -> p.find("#attachments li").isEmpty() ? true : null);

            thumbnailLoads(lou, "sunset.png");
            WebElement download = lou.waitFor(
                    "the text file as a download",
                    p -> p.find(".files a.download").stream().findFirst().orElse(null));
            assertEquals("notes.txt", download.getAttribute("download"));
            Screenshots.save("files-thumbnail.png", lou.screenshot());

            lou.load(server.process().httpUri().resolve("/#" + room));
            lou.waitInRoom(room);
            thumbnailLoads(lou, "sunset.png");
        }
    }

    /**
     * Dropped on the conversation and pasted into the message box: the page's own drop and paste handlers, given
     * what Chromium gives them (a {@code DataTransfer} with a file; the events come from a script, since a WebDriver
     * cannot drag from the desktop or fill the system clipboard).
     */
    @Test
    void anImageDroppedAndAFilePastedGoWithTheMessage() throws Exception {
        String room = ChatClient.unique("dropped");
        String png = java.util.Base64.getEncoder().encodeToString(realPng(120, 80));
        try (ChatPage kim = Devices.loggedInPage(server, "kim", PASSWORD);
                ChatPage lou = Devices.loggedInPage(server, "lou", PASSWORD)) {
            kim.joinWithForm(room).waitInRoom(room);
            lou.joinWithForm(room).waitInRoom(room);

            kim.script("""
                    const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
                    const dropped = new DataTransfer();
                    dropped.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
                    const target = document.getElementById('conversation');
                    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }));
                    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
                    const pasted = new DataTransfer();
                    pasted.items.add(new File(['pasted words'], 'pasted.txt', { type: 'text/plain' }));
                    document.getElementById('text').dispatchEvent(
                            new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
                    """, png);
            kim.waitFor(
                    "the dropped and the pasted file uploaded",
                    p -> p.find("#attachments li.ready").size() == 2 ? true : null);
            kim.say("by hand");

            thumbnailLoads(lou, "dropped.png");
            WebElement download = lou.waitFor(
                    "the pasted file as a download",
                    p -> p.find(".files a.download").stream().findFirst().orElse(null));
            assertEquals("pasted.txt", download.getAttribute("download"));
        }
    }

    /**
     * The page keeps to the bound the welcome announced (3 here, not the default 10) and uploads them two at a time
     * (the server refuses a user's third on its way in, 429), and a message with files that
     * the server refuses (kim is muted) gives its files back to the room's tray and its text to the composer: once
     * unmuted, Enter sends them all.
     */
    @Test
    void thePageKeepsToTheAnnouncedBoundAndGetsARefusedMessagesFilesBack(@TempDir Path files) throws Exception {
        String room = ChatClient.unique("back");
        StringBuilder picked = new StringBuilder();
        for (int i = 0; i <= MAX_PER_MESSAGE; i++) {
            Path note = files.resolve("note-" + i + ".txt");
            Files.writeString(note, "note " + i);
            picked.append(i == 0 ? "" : "\n").append(note);
        }
        try (ChatPage kim = Devices.loggedInPage(server, "kim", PASSWORD);
                ChatPage lou = Devices.loggedInPage(server, "lou", PASSWORD)) {
            kim.joinWithForm(room).waitInRoom(room);
            lou.joinWithForm(room).waitInRoom(room);

            kim.find("#file-picker").get(0).sendKeys(picked.toString());
            kim.waitFor(
                    "the files taken uploaded",
                    p -> readyInTray(p) > 0
                                    && p.find("#attachments li.uploading").isEmpty()
                            ? true
                            : null);
            assertEquals(MAX_PER_MESSAGE, readyInTray(kim), "each uploaded, none refused for too many at once");
            assertEquals(MAX_PER_MESSAGE, kim.find("#attachments li").size(), "the one past the bound is not taken");
            assertEquals(
                    "A message carries at most " + MAX_PER_MESSAGE + " files.",
                    kim.find("#banner").get(0).getText());

            AdminApi operator = AdminApi.basic(server.base(), "ops", PASSWORD);
            operator.ok(operator.post("rooms/" + room + "/mutes", ChatClient.json("user", "kim", "seconds", 0)));
            kim.say("three notes");
            kim.waitFor(
                    "the refusal shown",
                    p -> p.find("#messages li.system.error").stream()
                            .filter(notice -> notice.getText().startsWith("Not sent:"))
                            .findFirst()
                            .orElse(null));
            assertEquals(MAX_PER_MESSAGE, readyInTray(kim), "the files are back in the tray, still uploaded");
            assertEquals("three notes", kim.script("return document.getElementById('text').value;"));

            operator.ok(operator.delete("rooms/" + room + "/mutes/kim"));
            kim.type("", true);
            kim.waitFor("the tray emptied", p -> p.find("#attachments li").isEmpty() ? true : null);
            lou.waitFor(
                    "the three notes with their files",
                    p -> p.find(".files a.download").size() == MAX_PER_MESSAGE ? true : null);
        }
    }

    private static int readyInTray(ChatPage page) {
        return page.find("#attachments li.ready").size();
    }

    /** Waits until the message list shows the image, loaded (its pixels came, not a broken-image icon). */
    private static void thumbnailLoads(ChatPage page, String name) {
        page.waitFor(
                "the thumbnail of " + name + " loaded",
                p -> Boolean.TRUE.equals(p.script(
                                "const img = document.querySelector(`.files a.thumb img[alt='${arguments[0]}']`);"
                                        + " return img !== null && img.complete && img.naturalWidth > 0;",
                                name))
                        ? true
                        : null);
    }

    private static FormLogin login(String user) throws Exception {
        FormLogin login = FormLogin.as(root(), user, PASSWORD);
        assertTrue(login.succeeded, user + " could not log in");
        return login;
    }

    private static URI root() {
        return server.process().httpUri();
    }

    private static JsonObject created(HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), response::body);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static void assertRefused(int status, String code, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response::body);
        assertEquals(
                code,
                Json.createReader(new StringReader(response.body()))
                        .readObject()
                        .getString("error"));
    }

    private static jakarta.json.JsonArray ids(JsonObject file) {
        return Json.createArrayBuilder().add(file.getString("id")).build();
    }

    private static int statusOf(HttpClient http, String url) {
        try {
            return FileUploads.download(http, root(), url).statusCode();
        } catch (java.io.IOException | InterruptedException failed) {
            throw new AssertionError("GET " + url + " failed", failed);
        }
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse("(none)");
    }

    static byte[] realPng(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                image.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 0x80);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    /** Where the server keeps the bytes of an upload in its files' directory. */
    private static Path bytesOf(JsonObject upload) {
        String id = upload.getString("id");
        return keptUnder().resolve(id.substring(0, 2)).resolve(id);
    }

    /** The files' directory the server logged at its start (the server's data directory, as none is set here). */
    private static Path keptUnder() {
        if (!STORE.equals("directory")) {
            return Path.of("(no files' directory)");
        }
        Pattern line = Pattern.compile("new uploads are kept under (\\S+)");
        Poll.until(
                Duration.ofSeconds(30),
                () -> line.matcher(server.process().consoleOutput()).find(),
                "the server logs where it keeps files");
        Matcher logged = line.matcher(server.process().consoleOutput());
        logged.find();
        return Path.of(logged.group(1));
    }
}
