package dev.parley.files.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.entity.FileSettings;
import dev.parley.history.entity.FilesDeleted;
import dev.parley.settings.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads' bytes as files: written before their row commits and taken back when it does not, read while being
 * deleted, removed once the deleting transaction committed, and swept when no row names them.
 */
class FileDirectoryTest {

    static final String SHOT = "shot00000000000000000A";
    static final String LOG = "log000000000000000000B";

    @TempDir
    Path root;

    FileDirectory cut = new FileDirectory();

    @BeforeEach
    void configure() {
        cut.configure(FileSettings.from(Settings.of(Map.of("parley.files.directory", root.toString()))));
    }

    @Test
    void theDirectoryIsTheDefaultStoreButNotInClusterModeUnlessAsked() {
        assertTrue(FileSettings.from(Settings.of(Map.of())).inDirectory());
        assertFalse(FileSettings.from(Settings.of(Map.of("parley.cluster.redis-url", "redis://127.0.0.1:6379")))
                .inDirectory());
        assertTrue(FileSettings.from(Settings.of(Map.of(
                        "parley.cluster.redis-url", "redis://127.0.0.1:6379", "parley.files.store", "directory")))
                .inDirectory());
        assertThrows(
                IllegalArgumentException.class,
                () -> FileSettings.from(Settings.of(Map.of("parley.files.store", "s3"))));
    }

    @Test
    void keptBytesAreReadBackWholeAndNothingPartialIsLeft() throws IOException {
        byte[] content = {1, 2, 3, 4};

        assertTrue(cut.keep(SHOT, content, () -> true));

        assertArrayEquals(content, read(SHOT));
        try (Stream<Path> all = Files.walk(root)) {
            assertEquals(
                    List.of(root.resolve("sh").resolve(SHOT)),
                    all.filter(Files::isRegularFile).toList());
        }
    }

    @Test
    void bytesWhoseRowWasNotStoredAreTakenBack() throws IOException {
        assertFalse(cut.keep(SHOT, new byte[] {1}, () -> false), "over the quota");
        assertNull(cut.open(SHOT));

        assertThrows(
                IllegalStateException.class,
                () -> cut.keep(LOG, new byte[] {1}, () -> {
                    throw new IllegalStateException("the database is away");
                }));
        assertNull(cut.open(LOG));
    }

    @Test
    void aNameThatIsNotAnIdReachesNoFile() throws IOException {
        Files.writeString(root.resolve("secret"), "x");

        assertNull(cut.open("../secret"));
        assertThrows(IllegalArgumentException.class, () -> cut.keep("../../etc/passwd", new byte[] {1}, () -> true));
    }

    @Test
    void aDownloadBegunIsFinishedWhenItsFileIsDeletedMeanwhile() throws IOException {
        cut.keep(SHOT, new byte[] {7, 8, 9}, () -> true);

        try (FileDirectory.Bytes open = cut.open(SHOT)) {
            cut.deleted(new FilesDeleted(List.of(SHOT)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            open.sendTo(out);
            assertEquals(3, open.size());
            assertArrayEquals(new byte[] {7, 8, 9}, out.toByteArray());
        }
        assertNull(cut.open(SHOT), "gone for the next download");
    }

    @Test
    void theSweepRemovesOldBytesNoRowNamesAndOldPartialWritesOnly() throws IOException {
        cut.keep(SHOT, new byte[] {1}, () -> true);
        cut.keep(LOG, new byte[] {2}, () -> true);
        String young = "young0000000000000000C";
        cut.keep(young, new byte[] {3}, () -> true);
        Path partial = Files.createFile(root.resolve("sh").resolve(SHOT + "123.partial"));
        Instant cutoff = Instant.parse("2026-12-05T12:00:00Z");
        for (Path old :
                List.of(root.resolve("sh").resolve(SHOT), root.resolve("lo").resolve(LOG), partial)) {
            Files.setLastModifiedTime(old, FileTime.from(cutoff.minusSeconds(1)));
        }
        Files.setLastModifiedTime(root.resolve("yo").resolve(young), FileTime.from(cutoff));
        List<List<String>> asked = new ArrayList<>();

        int removed = cut.removeUnnamed(cutoff, ids -> {
            asked.add(ids);
            return Set.of(SHOT);
        });

        assertEquals(2, removed, "the old partial write and the old bytes of no upload");
        assertEquals(
                Set.of(SHOT, LOG),
                Set.copyOf(asked.stream().flatMap(List::stream).toList()));
        assertArrayEquals(new byte[] {1}, read(SHOT), "an upload names it");
        assertNull(cut.open(LOG));
        assertArrayEquals(new byte[] {3}, read(young), "younger than the cutoff: its row may be on its way");
        assertFalse(Files.exists(partial));
    }

    @Test
    void theSweepLeavesBytesWhoseRowIsOnItsWayOnThisNode() throws IOException {
        Instant cutoff = Instant.now().plusSeconds(60);

        boolean kept = cut.keep(SHOT, new byte[] {1}, () -> {
            try {
                // the row's transaction is slow: the sweep comes meanwhile, and the bytes already look old
                assertEquals(0, cut.removeUnnamed(cutoff, ids -> Set.of()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return true;
        });

        assertTrue(kept);
        assertArrayEquals(new byte[] {1}, read(SHOT));
    }

    @Test
    void aMissingDirectoryHasNothingToSweep() throws IOException {
        cut.configure(FileSettings.from(Settings.of(
                Map.of("parley.files.directory", root.resolve("never").toString()))));

        assertEquals(0, cut.removeUnnamed(Instant.now(), ids -> Set.of()));
    }

    private byte[] read(String id) throws IOException {
        try (FileDirectory.Bytes open = cut.open(id)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            open.sendTo(out);
            return out.toByteArray();
        }
    }
}
