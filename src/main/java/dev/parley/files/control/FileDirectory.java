package dev.parley.files.control;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.FileSettings;
import dev.parley.history.entity.FilesDeleted;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Uploads' bytes as files under one directory ({@code parley.files.directory}, by default beside the embedded
 * database in the server's data directory), each named by its id under a folder of the id's first two characters.
 * Bytes kept here are no rows in the database's one commit queue, and a download streams them from disk.
 * <p>
 * The bytes are written whole (a temporary file forced to disk, then renamed) before the upload's row commits, so a
 * row never names bytes that are not there. Bytes whose row is deleted go once that deleting transaction commits;
 * bytes no row names (a crash between the write and the commit, or between a commit and the removal) go with the
 * sweep of unposted uploads, once older than {@code parley.files.unposted-ttl-ms}. Files of the database store and
 * of this one are read alike, so changing {@code parley.files.store} strands no file.
 */
@ApplicationScoped
public class FileDirectory {

    private static final Logger LOG = Logger.getLogger(FileDirectory.class.getName());
    private static final String PARTIAL = ".partial";
    /** Ids asked about at once: a sweep of a large directory is many short queries, not one long one. */
    static final int PER_QUERY = 100;

    Path root;
    boolean takesNewFiles;
    /** Uploads of this node between their write and their commit: no sweep of this node takes their bytes. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void start() {
        configure(FileSettings.from(Settings.fromEnvironment()));
    }

    /** Said at deployment, not at the first upload: an operator reads where to back up before anyone uploads. */
    void started(@Observes @Initialized(ApplicationScoped.class) Object application) {
        if (takesNewFiles) {
            LOG.info(() -> "Parley files: new uploads are kept under " + root);
        }
    }

    void configure(FileSettings settings) {
        takesNewFiles = settings.inDirectory();
        root = settings.directory().isEmpty() ? serverDataDirectory() : Path.of(settings.directory());
    }

    /** Where each server keeps its data, and where Parley's embedded database lives there. */
    static Path serverDataDirectory() {
        String wildfly = System.getProperty("jboss.server.data.dir");
        if (wildfly != null) {
            return Path.of(wildfly, "parley", "files");
        }
        String payara = System.getProperty("com.sun.aas.instanceRoot");
        if (payara != null) {
            return Path.of(payara, "data", "parley", "files");
        }
        // Open Liberty names its server.output.dir to no Java property, but runs in it (SERVER_WORKING_DIR)
        return Path.of(System.getProperty("user.dir"), "data", "parley", "files");
    }

    /** Whether new uploads' bytes are kept here (else in the database). */
    public boolean takesNewFiles() {
        return takesNewFiles;
    }

    /**
     * Writes the bytes, then runs {@code commit} (the transaction of the upload's row); when it does not return
     * true, or throws, the bytes are removed again.
     *
     * @return what {@code commit} returned
     */
    public boolean keep(String id, byte[] content, BooleanSupplier commit) throws IOException {
        if (!Attachment.isId(id)) {
            throw new IllegalArgumentException("not a file id: " + id);
        }
        inFlight.add(id);
        boolean kept = false;
        try {
            write(pathOf(id), content);
            kept = commit.getAsBoolean();
            return kept;
        } finally {
            if (!kept) {
                delete(List.of(id));
            }
            inFlight.remove(id);
        }
    }

    private static void write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path partial =
                Files.createTempFile(target.getParent(), target.getFileName().toString(), PARTIAL);
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The rename is durable once its directory is forced (Linux); a file system that cannot has no such step. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notForcible) {
            LOG.log(Level.FINE, "cannot force " + directory, notForcible);
        }
    }

    /** The bytes of the file kept here, open to be sent, or null when they are not here. */
    public Bytes open(String id) throws IOException {
        if (!Attachment.isId(id)) {
            return null;
        }
        try {
            FileChannel channel = FileChannel.open(pathOf(id), StandardOpenOption.READ);
            // an open file stays readable when it is deleted meanwhile: a download begun is finished
            return new Bytes() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public void sendTo(OutputStream out) throws IOException {
                    Channels.newInputStream(channel).transferTo(out);
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        } catch (NoSuchFileException notHere) {
            return null;
        }
    }

    /** A file's bytes on their way to a client. */
    public interface Bytes extends Closeable {

        long size() throws IOException;

        void sendTo(OutputStream out) throws IOException;

        /** Bytes already in memory (the database store's). */
        static Bytes of(byte[] content) {
            return new Bytes() {
                @Override
                public long size() {
                    return content.length;
                }

                @Override
                public void sendTo(OutputStream out) throws IOException {
                    out.write(content);
                }

                @Override
                public void close() {}
            };
        }
    }

    /** Removes the files' bytes kept here; a failure is logged and left to the sweep. */
    public void delete(Collection<String> ids) {
        for (String id : ids) {
            if (!Attachment.isId(id)) {
                continue;
            }
            try {
                Files.deleteIfExists(pathOf(id));
            } catch (IOException failed) {
                LOG.log(
                        Level.WARNING,
                        "Parley files: cannot remove the bytes of " + id + " now; the sweep will",
                        failed);
            }
        }
    }

    /** The rows are gone for good only once their transaction committed: a rollback keeps the bytes they name. */
    void deleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) FilesDeleted deleted) {
        delete(deleted.ids());
    }

    /**
     * Removes the bytes that no row names, and the partial writes, last changed before {@code cutoff}.
     *
     * @param named which of the given ids have a row
     * @return how many files were removed
     */
    public int removeUnnamed(Instant cutoff, Function<List<String>, Set<String>> named) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path folder : folders) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
                    for (Path file : files) {
                        if (!Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                            continue;
                        }
                        String name = file.getFileName().toString();
                        if (name.endsWith(PARTIAL)) {
                            removed += Files.deleteIfExists(file) ? 1 : 0;
                        } else if (Attachment.isId(name) && !inFlight.contains(name)) {
                            candidates.add(file);
                        }
                        if (candidates.size() == PER_QUERY) {
                            removed += removeUnnamed(candidates, named);
                            candidates.clear();
                        }
                    }
                }
            }
        }
        return removed + removeUnnamed(candidates, named);
    }

    private static int removeUnnamed(List<Path> candidates, Function<List<String>, Set<String>> named)
            throws IOException {
        if (candidates.isEmpty()) {
            return 0;
        }
        Set<String> kept = named.apply(
                candidates.stream().map(file -> file.getFileName().toString()).toList());
        int removed = 0;
        for (Path file : candidates) {
            if (!kept.contains(file.getFileName().toString())) {
                removed += Files.deleteIfExists(file) ? 1 : 0;
            }
        }
        return removed;
    }

    private Path pathOf(String id) {
        return root.resolve(id.substring(0, 2)).resolve(id);
    }
}
