package dev.parley.history.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The bytes of a {@link StoredFile}, in a table of their own so that reading what a file is never reads what it
 * holds. In the database rather than a directory, so every node of a cluster reads the same files with nothing more
 * to share (security.md, Files).
 */
@Entity
@Table(name = "parley_file_content")
public class FileContent {

    @Id
    @Column(name = "id", length = 22)
    private String id;

    @Column(name = "content", nullable = false)
    private byte[] content;

    protected FileContent() {}

    public FileContent(String id, byte[] content) {
        this.id = id;
        this.content = content;
    }

    public byte[] content() {
        return content;
    }
}
