package dev.parley.history.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * Message {@code seq} of {@code room} mentions a logged-in user who keeps the room, stored with the message. What
 * counts is the rows above the user's read marker; those at or below it are deleted when the marker is written.
 */
@Entity
@Table(name = "parley_mention")
@IdClass(Mention.Key.class)
public class Mention {

    @Id
    @Column(name = "user_key", length = 255)
    private String userKey;

    @Id
    @Column(name = "room", length = 32)
    private String room;

    @Id
    @Column(name = "seq")
    private long seq;

    protected Mention() {}

    public Mention(String userKey, String room, long seq) {
        this.userKey = userKey;
        this.room = room;
        this.seq = seq;
    }

    public static class Key implements Serializable {
        private String userKey;
        private String room;
        private long seq;

        public Key() {}

        public Key(String userKey, String room, long seq) {
            this.userKey = userKey;
            this.room = room;
            this.seq = seq;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && seq == key.seq
                    && Objects.equals(userKey, key.userKey)
                    && Objects.equals(room, key.room);
        }

        @Override
        public int hashCode() {
            return Objects.hash(userKey, room, seq);
        }
    }
}
