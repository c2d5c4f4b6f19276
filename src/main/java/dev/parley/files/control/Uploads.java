package dev.parley.files.control;

import dev.parley.chat.control.RateLimiters;
import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.ErrorCode;
import dev.parley.chat.entity.FileSettings;
import dev.parley.history.control.FileStore;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes uploads: who may upload how much how often, what the content is (never what the browser said), and an id
 * nobody can guess. An upload is one HTTP request on a container thread, which waits for the database as any REST
 * call does; {@code parley.files.uploads-at-once} bounds how many such threads and how much memory uploads hold, so
 * that chat keeps its own.
 */
@ApplicationScoped
public class Uploads {

    private static final Logger LOG = Logger.getLogger(Uploads.class.getName());

    /** 128 random bits: for a guest, the link is the right to download. */
    static final int ID_BYTES = 16;

    @Inject
    FileStore store;

    @Inject
    FileDirectory directory;

    FileSettings settings = FileSettings.from(Settings.of(Map.of()));
    FileInspector inspector;
    RateLimiters byUser;
    Semaphore atOnce;
    private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    @PostConstruct
    void start() {
        configure(FileSettings.from(Settings.fromEnvironment()));
    }

    void configure(FileSettings settings) {
        this.settings = settings;
        inspector = new FileInspector(settings.maxImagePixels());
        byUser = RateLimiters.perHour(settings.uploadsPerUserPerHour());
        atOnce = new Semaphore(settings.uploadsAtOnce());
    }

    public FileSettings settings() {
        return settings;
    }

    /** Why an upload was not taken: a protocol error code, the HTTP status that carries it, and words for the user. */
    public record Refusal(ErrorCode code, int status, String message) {}

    /**
     * Whether the user may start an upload now (its body still to be read); if so (null), the caller must
     * {@link #end} it, whatever happens.
     */
    public Refusal begin(String ownerKey) {
        AtomicInteger users = inProgress.computeIfAbsent(ownerKey, key -> new AtomicInteger());
        if (users.incrementAndGet() > settings.uploadsAtOncePerUser()) {
            end(ownerKey);
            return new Refusal(
                    ErrorCode.RATE_LIMITED,
                    429,
                    "at most " + settings.uploadsAtOncePerUser() + " of your uploads at a time; wait for them");
        }
        if (!byUser.tryAcquire(ownerKey)) {
            end(ownerKey);
            return new Refusal(
                    ErrorCode.RATE_LIMITED,
                    429,
                    "at most " + settings.uploadsPerUserPerHour() + " uploads an hour; wait a little");
        }
        return null;
    }

    public void end(String ownerKey) {
        inProgress.computeIfPresent(ownerKey, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** What became of an upload: the file as messages will show it, or why not. */
    public record Outcome(Attachment file, Refusal refusal) {}

    /**
     * Judges the content and stores it as the owner's.
     *
     * @param clientName the name the browser gave, made safe here
     * @param clientType the type the browser claimed: only a lie in it is used (to refuse), never its value
     */
    public Outcome keep(String ownerKey, String clientName, String clientType, ContentSource source)
            throws IOException {
        // the body is in (the container read it, into a temporary file past 1 MiB): only now are its bytes in memory
        if (!atOnce.tryAcquire()) {
            return refused(ErrorCode.RATE_LIMITED, 503, "the server is taking other uploads; retry in a moment");
        }
        try (InputStream in = source.open()) {
            byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBytes() + 1));
            return keep(ownerKey, clientName, clientType, content);
        } finally {
            atOnce.release();
        }
    }

    /** Where an upload's bytes are read from (a multipart part). */
    public interface ContentSource {
        InputStream open() throws IOException;
    }

    private Outcome keep(String ownerKey, String clientName, String clientType, byte[] content) {
        if (content.length > settings.maxBytes()) {
            return refused(ErrorCode.LIMIT_EXCEEDED, 413, "a file may have at most " + settings.maxBytes() + " bytes");
        }
        Inspection inspection = inspector.inspect(content, clientName, clientType);
        if (inspection instanceof Inspection.Refused refused) {
            return refused(ErrorCode.BAD_REQUEST, 415, refused.reason());
        }
        Inspection.Accepted accepted = (Inspection.Accepted) inspection;
        Attachment file = Attachment.of(
                newId(),
                FileNames.forType(clientName, accepted.type()),
                accepted.type(),
                content.length,
                accepted.width(),
                accepted.height());
        long quota = settings.quotaBytesPerUser();
        boolean saved;
        try {
            saved = directory.takesNewFiles()
                    ? directory.keep(file.id(), content, () -> store.saveWithinQuota(file, ownerKey, null, quota))
                    : store.saveWithinQuota(file, ownerKey, content, quota);
        } catch (IOException | RuntimeException failed) {
            // the disk or the database, not the request: the user is told to retry, the operator why
            LOG.log(Level.WARNING, "Parley files: an upload of " + ownerKey + " could not be stored", failed);
            return refused(ErrorCode.INTERNAL, 503, "the server cannot store files now; retry in a moment");
        }
        if (!saved) {
            return refused(
                    ErrorCode.LIMIT_EXCEEDED,
                    413,
                    "your files would take more than your " + settings.quotaBytesPerUser()
                            + " bytes; an upload no message carries is removed after a while");
        }
        return new Outcome(file, null);
    }

    private static Outcome refused(ErrorCode code, int status, String message) {
        return new Outcome(null, new Refusal(code, status, message));
    }

    private String newId() {
        byte[] bits = new byte[ID_BYTES];
        random.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }
}
