package dev.parley.admin.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A user (by its key: {@code g:bob} the guest, {@code a:bob} the account) who may not {@code say} in one room. */
@Entity
@Table(name = "parley_mute")
public class Mute {

    @Id
    @Column(name = "id", length = 300)
    private String id;

    @Column(name = "room", nullable = false, length = 32)
    private String room;

    @Column(name = "user_key", nullable = false)
    private String userKey;

    @Column(name = "until_at", nullable = false)
    private long until;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    protected Mute() {}

    public Mute(String room, String userKey, long until, long createdAt, String createdBy) {
        this.id = idOf(room, userKey);
        this.room = room;
        this.userKey = userKey;
        this.until = until;
        this.createdAt = createdAt;
        this.createdBy = createdBy;
    }

    public static String idOf(String room, String userKey) {
        return room + "/" + userKey;
    }

    public String room() {
        return room;
    }

    public String userKey() {
        return userKey;
    }

    public long until() {
        return until;
    }

    public MuteView view() {
        return new MuteView(room, userKey, until, createdAt, createdBy);
    }
}
