package dev.parley.history.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A room as stored: its name and the counter row whose lock makes seq gap-free. */
@Entity
@Table(name = "parley_room")
public class RoomState {

    @Id
    @Column(name = "name", length = 32)
    private String name;

    @Column(name = "last_seq", nullable = false)
    private long lastSeq;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected RoomState() {}

    public RoomState(String name, long createdAt) {
        this.name = name;
        this.createdAt = createdAt;
    }

    public String name() {
        return name;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long nextSeq() {
        return ++lastSeq;
    }
}
