package dev.parley.history.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A private room or direct conversation: its room (of the same name in {@code parley_room}) is joined only by its
 * members. {@code pairKey} is a direct conversation's two user keys in order, unique, so two nodes that open the
 * same pair at once end with one conversation.
 */
@Entity
@Table(name = "parley_conversation")
public class StoredConversation {

    @Id
    @Column(name = "room", length = 32)
    private String room;

    @Column(name = "kind", nullable = false, length = 8)
    private String kind;

    @Column(name = "title", length = 256)
    private String title;

    @Column(name = "pair_key", length = 520)
    private String pairKey;

    @Column(name = "created_by", nullable = false, length = 255)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected StoredConversation() {}

    public StoredConversation(
            String room, String kind, String title, String pairKey, String createdBy, long createdAt) {
        this.room = room;
        this.kind = kind;
        this.title = title;
        this.pairKey = pairKey;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
    }

    public String room() {
        return room;
    }

    public String kind() {
        return kind;
    }

    public String title() {
        return title;
    }
}
