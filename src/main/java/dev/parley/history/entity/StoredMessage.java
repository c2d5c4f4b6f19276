package dev.parley.history.entity;

import dev.parley.chat.entity.Attachment;
import dev.parley.chat.entity.Event;
import dev.parley.chat.entity.Identity;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message as stored, keyed by (room, seq). {@code senderKey} is the sender's {@linkplain Identity#key() key} (kind
 * and case-folded name), so a ref is unique per user and room however the name was typed, and a guest's ref never
 * answers an account's post; refs older than the idempotency window are cleared.
 */
@Entity
@Table(name = "parley_message")
@IdClass(StoredMessage.Key.class)
public class StoredMessage {

    private static final Jsonb JSONB = JsonbBuilder.create();

    @Id
    @Column(name = "room", length = 32)
    private String room;

    @Id
    @Column(name = "seq")
    private long seq;

    @Column(name = "sender", nullable = false)
    private String sender;

    @Column(name = "sender_key", nullable = false)
    private String senderKey;

    @Column(name = "body", nullable = false, length = 8000)
    private String body;

    @Column(name = "posted_at", nullable = false)
    private long postedAt;

    @Column(name = "ref", length = 128)
    private String ref;

    /** The files it carries, as its events list them (JSON), or null for none. */
    @Column(name = "files", length = 8000)
    private String files;

    /** When an operator deleted it (epoch millis), else null; the body is then empty. */
    @Column(name = "deleted_at")
    private Long deletedAt;

    protected StoredMessage() {}

    public StoredMessage(
            String room, long seq, String sender, String senderKey, String body, long postedAt, String ref) {
        this.room = room;
        this.seq = seq;
        this.sender = sender;
        this.senderKey = senderKey;
        this.body = body;
        this.postedAt = postedAt;
        this.ref = ref;
    }

    public String room() {
        return room;
    }

    public String senderKey() {
        return senderKey;
    }

    public String ref() {
        return ref;
    }

    public String body() {
        return body;
    }

    public long postedAt() {
        return postedAt;
    }

    public long seq() {
        return seq;
    }

    public void forgetRef() {
        ref = null;
    }

    public boolean deleted() {
        return deletedAt != null;
    }

    /**
     * Removes the text and the files' list for good; the row, its seq and its ref stay, so history has no gap and
     * retries no echo. The files themselves are the caller's to delete, in the same transaction.
     */
    public void redact(long at) {
        body = "";
        files = null;
        deletedAt = at;
    }

    public void carry(List<Attachment> attachments) {
        files = attachments.isEmpty() ? null : JSONB.toJson(attachments.toArray(new Attachment[0]));
    }

    private List<Attachment> files() {
        return files == null ? null : List.of(JSONB.fromJson(files, Attachment[].class));
    }

    public Event.Message toEvent() {
        Event.Message message = new Event.Message(
                room,
                seq,
                new Identity(sender, !Identity.isGuestKey(senderKey)),
                body,
                Instant.ofEpochMilli(postedAt),
                ref);
        return deleted() ? message.redacted() : message.withFiles(files());
    }

    public static class Key implements Serializable {
        private String room;
        private long seq;

        public Key() {}

        public Key(String room, long seq) {
            this.room = room;
            this.seq = seq;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && seq == key.seq && Objects.equals(room, key.room);
        }

        @Override
        public int hashCode() {
            return Objects.hash(room, seq);
        }
    }
}
