package dev.parley.history.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** A member of a private room or direct conversation: may join, read and write it. */
@Entity
@Table(name = "parley_conversation_member")
@IdClass(ConversationMember.Key.class)
public class ConversationMember {

    @Id
    @Column(name = "room", length = 32)
    private String room;

    @Id
    @Column(name = "user_key", length = 255)
    private String userKey;

    @Column(name = "user_name", nullable = false, length = 255)
    private String userName;

    @Column(name = "added_at", nullable = false)
    private long addedAt;

    protected ConversationMember() {}

    public ConversationMember(String room, String userKey, String userName, long addedAt) {
        this.room = room;
        this.userKey = userKey;
        this.userName = userName;
        this.addedAt = addedAt;
    }

    public String room() {
        return room;
    }

    public String userKey() {
        return userKey;
    }

    public String userName() {
        return userName;
    }

    public static class Key implements Serializable {
        private String room;
        private String userKey;

        public Key() {}

        public Key(String room, String userKey) {
            this.room = room;
            this.userKey = userKey;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(room, key.room) && Objects.equals(userKey, key.userKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(room, userKey);
        }
    }
}
