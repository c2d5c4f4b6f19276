package dev.parley.files.control;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.Conversation;
import dev.parley.chat.entity.FileSettings;
import dev.parley.history.control.ConversationStore;
import dev.parley.history.control.FileStore;
import dev.parley.history.entity.StoredFile;
import dev.parley.settings.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.concurrent.Semaphore;

/**
 * Who may download a file. A file is as private as the messages that carry it: one in a public room goes to whoever
 * has its link (anyone may join a public room and read its history, and a guest's name carries no lasting identity
 * to check); one in a private room or direct conversation only to a logged-in member of it, by the stored
 * membership; an upload no message carries yet only to its owner.
 */
@ApplicationScoped
public class Downloads {

    @Inject
    FileStore files;

    @Inject
    FileDirectory directory;

    @Inject
    ConversationStore conversations;

    Semaphore atOnce;

    @PostConstruct
    void start() {
        atOnce = new Semaphore(FileSettings.from(Settings.fromEnvironment()).downloadsAtOnce());
    }

    /** Whether one more download may be served now; if so, the caller must {@link #end} it. */
    public boolean begin() {
        return atOnce.tryAcquire();
    }

    public void end() {
        atOnce.release();
    }

    /**
     * The file, if the caller may have it; null for a file that does not exist and for one the caller may not have
     * alike, so that nobody learns which ids exist.
     *
     * @param userKey the logged-in caller's key, or null for a guest
     */
    public StoredFile readable(String id, String userKey) {
        if (!Attachment.isId(id)) {
            return null;
        }
        StoredFile file = files.find(id);
        if (file == null) {
            return null;
        }
        if (!file.posted()) {
            return file.ownerKey().equals(userKey) ? file : null;
        }
        if (Conversation.isId(file.room())) {
            Conversation conversation = userKey == null ? null : conversations.find(file.room());
            return conversation != null && conversation.has(userKey) ? file : null;
        }
        return file;
    }

    /**
     * The bytes of a file {@link #readable} gave, from its directory (streamed) or the database (in memory), or null
     * if it was deleted since.
     */
    public FileDirectory.Bytes content(StoredFile file) throws IOException {
        FileDirectory.Bytes kept = directory.open(file.id());
        if (kept != null) {
            return kept;
        }
        byte[] content = files.content(file.id());
        return content == null ? null : FileDirectory.Bytes.of(content);
    }
}
