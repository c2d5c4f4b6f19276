package dev.parley.chat.entity;

import jakarta.json.bind.annotation.JsonbDateFormat;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the server sends, one per text frame (protocol v1, "Server to client"). Null fields are left out of the
 * frame, which is how optional fields ({@code ref}, {@code reason}, {@code for} …) are absent.
 */
@JsonbTypeInfo(
        key = "type",
        value = {
            @JsonbSubtype(alias = "welcome", type = Event.Welcome.class),
            @JsonbSubtype(alias = "joined", type = Event.Joined.class),
            @JsonbSubtype(alias = "left", type = Event.Left.class),
            @JsonbSubtype(alias = "presence", type = Event.Presence.class),
            @JsonbSubtype(alias = "message", type = Event.Message.class),
            @JsonbSubtype(alias = "whisper", type = Event.Whisper.class),
            @JsonbSubtype(alias = "typing", type = Event.Typing.class),
            @JsonbSubtype(alias = "history", type = Event.History.class),
            @JsonbSubtype(alias = "notice", type = Event.Notice.class),
            @JsonbSubtype(alias = "deleted", type = Event.Deleted.class),
            @JsonbSubtype(alias = "kept", type = Event.Kept.class),
            @JsonbSubtype(alias = "read", type = Event.Read.class),
            @JsonbSubtype(alias = "receipt", type = Event.Receipt.class),
            @JsonbSubtype(alias = "receipts", type = Event.Receipts.class),
            @JsonbSubtype(alias = "invited", type = Event.Invited.class),
            @JsonbSubtype(alias = "mention", type = Event.Mention.class),
            @JsonbSubtype(alias = "error", type = Event.Error.class)
        })
public sealed interface Event {

    String TIMESTAMP = "yyyy-MM-dd'T'HH:mm:ss.SSSX";
    int PROTOCOL = 1;

    /**
     * The extensions this server speaks, announced in {@code welcome.features}: ignorable ones it sends, and opt-in
     * ones ({@code batch}) a client may ask for on its URL.
     */
    List<String> FEATURES = List.of("deleted", "guest", "batch", "membership", "mention", "conversations", "files");

    /**
     * {@code files} is only there when {@code features} has {@code files}: the bounds a client needs before it
     * uploads or sends (the files extension), so that no client hard-codes them.
     */
    record Welcome(int protocol, String user, String resume, List<String> rooms, List<String> features, Files files)
            implements Event {

        public Welcome {
            if (features == null || !features.contains("files")) {
                files = null;
            }
        }

        public Welcome(int protocol, String user, String resume, List<String> rooms) {
            this(protocol, user, resume, rooms, FEATURES, null);
        }

        public Welcome(int protocol, String user, String resume, List<String> rooms, List<String> features) {
            this(protocol, user, resume, rooms, features, null);
        }

        public Welcome(int protocol, String user, String resume, List<String> rooms, Files files) {
            this(protocol, user, resume, rooms, FEATURES, files);
        }

        /**
         * @param maxBytes      the largest upload the server takes ({@code parley.files.max-bytes})
         * @param maxPerMessage the most files one {@code say} carries ({@code parley.files.max-per-message})
         * @param uploadsAtOncePerUser a user's uploads a node takes in at once; one more is refused with 429
         *     ({@code parley.files.uploads-at-once-per-user}), so a client sends no more at a time
         */
        public record Files(long maxBytes, int maxPerMessage, int uploadsAtOncePerUser) {}
    }

    /**
     * {@code kind}, {@code title} and {@code with} say what conversation the room is (the conversations extension);
     * all three are absent for a public room.
     */
    record Joined(
            String room,
            List<String> members,
            int count,
            List<Message> history,
            long last,
            String kind,
            String title,
            String with)
            implements Event {

        public Joined(String room, List<String> members, int count, List<Message> history, long last) {
            this(room, members, count, history, last, null, null, null);
        }

        public Joined describedAs(String kind, String title, String with) {
            return new Joined(room, members, count, history, last, kind, title, with);
        }
    }

    record Left(String room, String reason, String text) implements Event {}

    record Presence(String room, List<String> joined, List<String> left) implements Event {}

    /**
     * {@code ref} is set only on the copy for the connection that posted it. An operator's deletion leaves the
     * message in place with an empty text and {@code deleted} true (otherwise absent), so seq stays gap-free.
     * {@code guest} is true when a guest posted it (otherwise absent): a guest and an account may have had the same
     * name. {@code files} are the files it carries (the files extension; absent when none), and its text may then be
     * empty.
     */
    record Message(
            String room,
            long seq,
            String from,
            String text,
            @JsonbDateFormat(TIMESTAMP) Instant at,
            String ref,
            Boolean deleted,
            Boolean guest,
            List<Attachment> files)
            implements Event {

        public Message {
            files = Attachment.orNull(files);
        }

        public Message(
                String room,
                long seq,
                String from,
                String text,
                Instant at,
                String ref,
                Boolean deleted,
                Boolean guest) {
            this(room, seq, from, text, at, ref, deleted, guest, null);
        }

        public Message(String room, long seq, String from, String text, Instant at, String ref) {
            this(room, seq, from, text, at, ref, null, null);
        }

        public Message(String room, long seq, Identity sender, String text, Instant at, String ref) {
            this(room, seq, sender.name(), text, at, ref, null, sender.guest() ? Boolean.TRUE : null);
        }

        public Message withRef(String ref) {
            return new Message(room, seq, from, text, at, ref, deleted, guest, files);
        }

        public Message withFiles(List<Attachment> files) {
            return new Message(room, seq, from, text, at, ref, deleted, guest, files);
        }

        /** What is left of a message an operator deleted: no text, and no files (they are deleted with it). */
        public Message redacted() {
            return new Message(room, seq, from, "", at, ref, Boolean.TRUE, guest, null);
        }

        /** Who posted it, as a key (see {@link Identity}). */
        public String senderKey() {
            return Identity.keyOf(from, Boolean.TRUE.equals(guest));
        }

        public Message withoutRef() {
            return ref == null ? this : withRef(null);
        }
    }

    record Whisper(
            String from,
            String to,
            String text,
            @JsonbDateFormat(TIMESTAMP) Instant at,
            String ref) implements Event {}

    record Typing(String room, String user) implements Event {}

    record History(String room, List<Message> messages, boolean more) implements Event {}

    record Notice(String text, String room) implements Event {}

    /**
     * The rooms a logged-in user keeps, sent after {@code welcome} to a connection that asked for {@code membership}
     * (an extension of protocol v1), before the {@code joined} of each.
     */
    record Kept(List<KeptRoom> rooms) implements Event {}

    /**
     * One kept room as the database had it when the connection opened: the user's read marker, the messages others
     * posted above it up to {@code last}, and the room's last seq then; {@code mentions}, the messages among those
     * that mention the user (absent when none).
     */
    record KeptRoom(
            String room, long read, long unread, long last, Long mentions, String kind, String title, String with) {

        public KeptRoom(String room, long read, long unread, long last) {
            this(room, read, unread, last, null);
        }

        public KeptRoom(String room, long read, long unread, long last, Long mentions) {
            this(room, read, unread, last, mentions, null, null, null);
        }
    }

    /**
     * {@code user} became a member of the conversation {@code room}, added by {@code by} (the conversations
     * extension): a private room's invitation, or a direct conversation opened or written to again. {@code with} is
     * a direct conversation's other member as the receiving user sees it.
     */
    record Invited(String room, String kind, String title, String with, String user, String by) implements Event {}

    /**
     * The user's read marker in {@code room} moved to {@code seq} (on this connection or another of the user's), with
     * the messages others posted above it then, and those of them that mention the user (absent when none): an
     * extension of protocol v1.
     */
    record Read(String room, long seq, long unread, Long mentions) implements Event {

        public Read(String room, long seq, long unread) {
            this(room, seq, unread, null);
        }
    }

    /** Message {@code seq} of {@code room}, posted by {@code from}, mentions this connection's user (ignorable). */
    record Mention(String room, long seq, String from) implements Event {}

    /** A count for a frame: absent (null) when there is none. */
    static Long countOrAbsent(long count) {
        return count == 0 ? null : count;
    }

    /** Another member of a small room has read it up to {@code seq} (membership, receipts on). */
    record Receipt(String room, String user, long seq) implements Event {}

    /**
     * Whether the user sends and sees read receipts ({@code on}), after a {@code receipts} command or at connect;
     * with {@code room}, where the room's other members have read up to, after a join (membership, receipts on).
     */
    record Receipts(String room, Boolean on, Map<String, Long> read) implements Event {}

    /** An operator deleted message {@code seq} of {@code room} (an extension of protocol v1). */
    record Deleted(String room, long seq) implements Event {}

    record Error(
            String code,
            String message,
            @JsonbProperty("for") String forType,
            String room,
            String to,
            String ref) implements Event {

        public static Error of(ErrorCode code, String message) {
            return new Error(code.wire(), message, null, null, null, null);
        }

        public Error about(Command command) {
            return new Error(code, message, command.type(), roomOf(command), toOf(command), refOf(command));
        }

        private static String roomOf(Command command) {
            if (command instanceof Command.Join c) return c.room();
            if (command instanceof Command.Leave c) return c.room();
            if (command instanceof Command.Say c) return c.room();
            if (command instanceof Command.Typing c) return c.room();
            if (command instanceof Command.History c) return c.room();
            if (command instanceof Command.Read c) return c.room();
            if (command instanceof Command.Invite c) return c.room();
            return null;
        }

        private static String toOf(Command command) {
            if (command instanceof Command.Whisper c) return c.to();
            if (command instanceof Command.Direct c) return c.to();
            return null;
        }

        private static String refOf(Command command) {
            if (command instanceof Command.Say c) return c.ref();
            if (command instanceof Command.Whisper c) return c.ref();
            return null;
        }
    }
}
