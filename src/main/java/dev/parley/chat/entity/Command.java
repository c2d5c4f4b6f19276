package dev.parley.chat.entity;

import java.util.List;

/**
 * What a client asks for, one per text frame (protocol v1, "Client to server"). The decoder turns every frame into
 * one of these, including frames that are not valid commands ({@link Malformed}), so the endpoint answers bad
 * input the same way on every container.
 */
public sealed interface Command {

    /** The protocol's {@code type}, used as {@code for} in an error reply. */
    String type();

    record Join(String room) implements Command {
        public String type() {
            return "join";
        }
    }

    record Leave(String room) implements Command {
        public String type() {
            return "leave";
        }
    }

    /** {@code files}: the ids of the sender's uploads the message carries (the files extension), or null. */
    record Say(String room, String text, String ref, List<String> files) implements Command {

        public Say {
            files = files == null || files.isEmpty() ? null : List.copyOf(files);
        }

        public Say(String room, String text, String ref) {
            this(room, text, ref, null);
        }

        public String type() {
            return "say";
        }

        public boolean hasFiles() {
            return files != null;
        }
    }

    record Whisper(String to, String text, String ref) implements Command {
        public String type() {
            return "whisper";
        }
    }

    record Typing(String room) implements Command {
        public String type() {
            return "typing";
        }
    }

    /** Exactly one of {@code before} and {@code after} is set; {@code limit} is null when the client gave none. */
    record History(String room, Long before, Long after, Integer limit) implements Command {
        public String type() {
            return "history";
        }
    }

    /** The user has read {@code room} up to {@code seq} (an extension: membership). */
    record Read(String room, long seq) implements Command {
        public String type() {
            return "read";
        }
    }

    /** The user sends read receipts and sees others' ({@code on}), or neither (an extension: membership). */
    record Receipts(boolean on) implements Command {
        public String type() {
            return "receipts";
        }
    }

    /** Opens the direct conversation with the logged-in user {@code to} (an extension: conversations). */
    record Direct(String to) implements Command {
        public String type() {
            return "direct";
        }
    }

    /** Makes a private room with this title (an extension: conversations). */
    record Create(String title) implements Command {
        public String type() {
            return "create";
        }
    }

    /** Makes the logged-in user {@code user} a member of the private room (an extension: conversations). */
    record Invite(String room, String user) implements Command {
        public String type() {
            return "invite";
        }
    }

    /**
     * A frame that is not a valid command: not JSON, not one object, too deep, an unknown type, a missing or
     * ill-typed field. {@code type} is the frame's type when it could be read, else null.
     */
    record Malformed(String type, String reason) implements Command {}
}
