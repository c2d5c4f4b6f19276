package dev.parley.files.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.FileSettings;
import dev.parley.history.control.FileStore;
import dev.parley.settings.Settings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may start an upload: a user's uploads on their way in are bounded, so one slow user holds no one else up. */
class UploadsTest {

    Uploads cut = new Uploads();

    @TempDir
    Path files;

    @Test
    void aUserHasAtMostTheBoundOfUploadsOnTheirWayInOthersAreNotHeldUp() {
        cut.configure(FileSettings.from(Settings.of(Map.of("parley.files.uploads-at-once-per-user", "2"))));

        assertNull(cut.begin("a:kim"));
        assertNull(cut.begin("a:kim"));
        Uploads.Refusal third = cut.begin("a:kim");
        assertEquals(429, third.status());
        assertEquals("rate_limited", third.code().wire());
        assertNull(cut.begin("a:lou"), "another user is not held up");

        cut.end("a:kim");
        assertNull(cut.begin("a:kim"), "one ended: one more may start");
    }

    @Test
    void aRefusalForTheHourlyRateFreesItsPlace() {
        cut.configure(FileSettings.from(Settings.of(
                Map.of("parley.files.uploads-per-user-per-hour", "1", "parley.files.uploads-at-once-per-user", "1"))));

        assertNull(cut.begin("a:kim"));
        cut.end("a:kim");
        assertEquals(429, cut.begin("a:kim").status(), "the hour's one upload is used");
        cut.configure(FileSettings.from(Settings.of(Map.of("parley.files.uploads-at-once-per-user", "1"))));
        assertNull(cut.begin("a:kim"), "the refused one did not keep its place on the way in");
    }

    /**
     * A page uploaded as "invite.html" is text to Parley; stored as "invite.html" a browser would save it so, and
     * opening the saved file would run it as a page. The name it is stored and shown with ends in the served type's.
     */
    @Test
    void anUploadWhoseNameWouldMakeItActiveIsStoredWithTheServedTypesExtension() throws Exception {
        List<Attachment> saved = new ArrayList<>();
        cut.store = recordingInto(saved);
        cut.configure(FileSettings.from(Settings.of(Map.of())));
        cut.directory = directoryAt(files);
        byte[] page = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);

        assertEquals(
                "invite.html.txt",
                cut.keep("a:kim", "invite.html", "text/html", () -> new ByteArrayInputStream(page))
                        .file()
                        .name());
        assertEquals(
                "cat.svg.png",
                cut.keep("a:kim", "cat.svg", null, () -> new ByteArrayInputStream(Samples.png(2, 2)))
                        .file()
                        .name());
        assertEquals(
                "notes.txt",
                cut.keep("a:kim", "notes.txt", "text/plain", () -> new ByteArrayInputStream(page))
                        .file()
                        .name());
        assertEquals(
                List.of("invite.html.txt", "cat.svg.png", "notes.txt"),
                saved.stream().map(Attachment::name).toList());
    }

    @Test
    void anUploadOverTheQuotaLeavesNoBytesBehind() throws Exception {
        cut.store = new FileStore() {
            @Override
            public boolean saveWithinQuota(Attachment file, String ownerKey, byte[] content, long quotaBytes) {
                assertNull(content, "the bytes are in the directory, not in the row");
                return false;
            }
        };
        cut.configure(FileSettings.from(Settings.of(Map.of())));
        cut.directory = directoryAt(files);

        Uploads.Outcome outcome =
                cut.keep("a:kim", "cat.png", "image/png", () -> new ByteArrayInputStream(Samples.png(2, 2)));

        assertEquals(413, outcome.refusal().status());
        try (java.util.stream.Stream<Path> left = Files.walk(files)) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList());
        }
    }

    private static FileDirectory directoryAt(Path root) {
        FileDirectory directory = new FileDirectory();
        directory.configure(FileSettings.from(Settings.of(Map.of("parley.files.directory", root.toString()))));
        return directory;
    }

    @Test
    void anUploadTheServerCannotStoreIsRefusedAsTheServersFailureAndLeavesNoRow() throws Exception {
        List<Attachment> saved = new ArrayList<>();
        cut.store = recordingInto(saved);
        cut.configure(FileSettings.from(Settings.of(Map.of())));
        // a file where the directory should be: every write fails, as on a full or read-only disk
        cut.directory = directoryAt(Files.writeString(files.resolve("not-a-directory"), "x"));

        Uploads.Outcome outcome =
                cut.keep("a:kim", "cat.png", "image/png", () -> new ByteArrayInputStream(Samples.png(2, 2)));

        assertEquals(503, outcome.refusal().status());
        assertEquals("internal", outcome.refusal().code().wire());
        assertEquals(List.of(), saved, "no row for bytes that were not written");
    }

    /** A store that takes every upload and records it. */
    private static FileStore recordingInto(List<Attachment> saved) {
        return new FileStore() {
            @Override
            public boolean saveWithinQuota(Attachment file, String ownerKey, byte[] content, long quotaBytes) {
                saved.add(file);
                return true;
            }
        };
    }
}
