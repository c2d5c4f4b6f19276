package dev.parley.history.entity;

import dev.parley.chat.entity.Attachment;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An upload (the files extension): what the server found it to be, whose it is, and the message that carries it
 * ({@code room} and {@code seq}, null until a message does). Its bytes are a {@link FileContent} of the same id, read
 * only for a download.
 */
@Entity
@Table(name = "parley_file")
public class StoredFile {

    @Id
    @Column(name = "id", length = 22)
    private String id;

    @Column(name = "owner_key", nullable = false)
    private String ownerKey;

    @Column(name = "name", nullable = false, length = 255)
    private String name;

    @Column(name = "media_type", nullable = false, length = 64)
    private String mediaType;

    @Column(name = "byte_size", nullable = false)
    private long byteSize;

    @Column(name = "width")
    private Integer width;

    @Column(name = "height")
    private Integer height;

    @Column(name = "uploaded_at", nullable = false)
    private long uploadedAt;

    @Column(name = "room", length = 32)
    private String room;

    @Column(name = "seq")
    private Long seq;

    protected StoredFile() {}

    public StoredFile(Attachment file, String ownerKey, long uploadedAt) {
        this.id = file.id();
        this.ownerKey = ownerKey;
        this.name = file.name();
        this.mediaType = file.type();
        this.byteSize = file.size();
        this.width = file.width();
        this.height = file.height();
        this.uploadedAt = uploadedAt;
    }

    public String id() {
        return id;
    }

    public String ownerKey() {
        return ownerKey;
    }

    /** The room of the message that carries it, or null if no message does yet. */
    public String room() {
        return room;
    }

    public boolean posted() {
        return room != null;
    }

    public long size() {
        return byteSize;
    }

    public void postedIn(String room, long seq) {
        this.room = room;
        this.seq = seq;
    }

    public Attachment toAttachment() {
        return Attachment.of(id, name, mediaType, byteSize, width == null ? 0 : width, height == null ? 0 : height);
    }
}
