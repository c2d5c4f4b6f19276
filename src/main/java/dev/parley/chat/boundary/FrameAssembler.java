package dev.parley.chat.boundary;

/**
 * Puts a text frame together from the parts the container hands over, counting its UTF-8 bytes as they come: a
 * frame over the limit is known as soon as its running total passes it, and nothing more of it is kept. One per
 * connection, used by the container's one reading thread at a time.
 */
final class FrameAssembler {

    enum Outcome {
        INCOMPLETE,
        COMPLETE,
        TOO_BIG,
        DISCARDED
    }

    private final int maxBytes;
    /** A frame in several parts while they arrive; a frame in one part (most) needs no copy and no builder. */
    private StringBuilder text;

    private String whole;
    private long bytes;
    private boolean tooBig;

    FrameAssembler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Adds a part: {@code TOO_BIG} the moment the frame passes the limit, {@code DISCARDED} for its later parts,
     * {@code COMPLETE} when the last part of a frame within the limit arrived ({@link #take()} gives it).
     */
    Outcome add(String part, boolean last) {
        Outcome outcome;
        if (tooBig) {
            outcome = Outcome.DISCARDED;
        } else {
            bytes += utf8Length(part);
            if (bytes > maxBytes) {
                tooBig = true;
                text = null;
                outcome = Outcome.TOO_BIG;
            } else {
                if (last && text == null) {
                    whole = part;
                } else if (text == null) {
                    text = new StringBuilder(part);
                } else {
                    text.append(part);
                }
                outcome = last ? Outcome.COMPLETE : Outcome.INCOMPLETE;
            }
        }
        if (last && outcome != Outcome.COMPLETE) {
            reset();
        }
        return outcome;
    }

    /** The complete frame; the assembler is then ready for the next one. */
    String take() {
        String frame = text == null ? whole : text.toString();
        reset();
        return frame;
    }

    private void reset() {
        text = null;
        whole = null;
        bytes = 0;
        tooBig = false;
    }

    /** Each half of a surrogate pair counts 2, so a pair split across parts still counts its 4 bytes. */
    static long utf8Length(String part) {
        long length = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            length += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return length;
    }
}
