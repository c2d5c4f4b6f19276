package dev.parley.admin.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A room an operator closed: nobody may join it until it is reopened. */
@Entity
@Table(name = "parley_room_closed")
public class ClosedRoom {

    @Id
    @Column(name = "room", length = 32)
    private String room;

    @Column(name = "reason", length = 1000)
    private String reason;

    @Column(name = "closed_at", nullable = false)
    private long closedAt;

    @Column(name = "closed_by", nullable = false)
    private String closedBy;

    protected ClosedRoom() {}

    public ClosedRoom(String room, String reason, long closedAt, String closedBy) {
        this.room = room;
        this.reason = reason;
        this.closedAt = closedAt;
        this.closedBy = closedBy;
    }

    public String room() {
        return room;
    }

    public String reason() {
        return reason;
    }
}
