package dev.parley.history.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * A room a logged-in user keeps, on every device, and how far the user has read it: {@code readSeq} only grows.
 * Keyed by the user's key (kind and case-folded name), so a guest can never hold an account's rooms.
 */
@Entity
@Table(name = "parley_membership")
@IdClass(Membership.Key.class)
public class Membership {

    @Id
    @Column(name = "user_key", length = 255)
    private String userKey;

    @Id
    @Column(name = "room", length = 32)
    private String room;

    /** The name as the user logged in with, for receipts; the key holds it case-folded. */
    @Column(name = "user_name", nullable = false, length = 255)
    private String userName;

    @Column(name = "read_seq", nullable = false)
    private long readSeq;

    @Column(name = "joined_at", nullable = false)
    private long joinedAt;

    protected Membership() {}

    public Membership(String userKey, String userName, String room, long readSeq, long joinedAt) {
        this.userKey = userKey;
        this.userName = userName;
        this.room = room;
        this.readSeq = readSeq;
        this.joinedAt = joinedAt;
    }

    public String userKey() {
        return userKey;
    }

    public String userName() {
        return userName;
    }

    public String room() {
        return room;
    }

    public long readSeq() {
        return readSeq;
    }

    public static class Key implements Serializable {
        private String userKey;
        private String room;

        public Key() {}

        public Key(String userKey, String room) {
            this.userKey = userKey;
            this.room = room;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(userKey, key.userKey) && Objects.equals(room, key.room);
        }

        @Override
        public int hashCode() {
            return Objects.hash(userKey, room);
        }
    }
}
