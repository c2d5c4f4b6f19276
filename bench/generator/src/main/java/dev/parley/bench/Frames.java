package dev.parley.bench;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RFC 6455 frames for the lean client: {@link #encode} writes a client's frame (always masked, section 5.3); a
 * {@link Decoder} reads a server's frames from whatever the socket gave, in any split: a frame whose bytes span many
 * reads is kept in the connection's carry until it is whole, a fragmented message is assembled before it is decoded
 * (a character may be cut between fragments), control frames may come between fragments.
 */
final class Frames {

    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    /** Larger frames or messages are a protocol error: no Parley event comes near it. */
    static final int MAX_MESSAGE = 16 * 1024 * 1024;

    private Frames() {}

    /** What a connection does with the server's frames. */
    interface Sink {
        void text(String message);

        void ping(byte[] payload);

        void close(int code, String reason);
    }

    static ByteBuffer text(String message, int mask) {
        return encode(TEXT, message.getBytes(StandardCharsets.UTF_8), mask);
    }

    /** The close frame with a status code and an empty reason. */
    static ByteBuffer close(int code, int mask) {
        return encode(CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, mask);
    }

    /** One final frame (FIN set) of {@code opcode}, its payload masked with {@code mask}. */
    static ByteBuffer encode(int opcode, byte[] payload, int mask) {
        int n = payload.length;
        int lengthBytes = n < 126 ? 0 : n <= 0xFFFF ? 2 : 8;
        ByteBuffer out = ByteBuffer.allocate(2 + lengthBytes + 4 + n);
        out.put((byte) (0x80 | opcode));
        if (lengthBytes == 0) {
            out.put((byte) (0x80 | n));
        } else if (lengthBytes == 2) {
            out.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            out.put((byte) (0x80 | 127)).putLong(n);
        }
        out.putInt(mask);
        for (int i = 0; i < n; i++) {
            out.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
        return out.flip();
    }

    /**
     * The whole frame's length in bytes (header, mask key, payload) from its first {@code available} bytes at
     * {@code off}, or -1 while they do not hold the whole header.
     */
    static long frameLength(byte[] b, int off, int available) {
        if (available < 2) {
            return -1;
        }
        int length7 = b[off + 1] & 0x7F;
        int header = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((b[off + 1] & 0x80) != 0 ? 4 : 0);
        if (available < header) {
            return -1;
        }
        long payload = length7;
        if (length7 == 126) {
            payload = (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
        } else if (length7 == 127) {
            payload = 0;
            for (int i = 2; i < 10; i++) {
                payload = payload << 8 | (b[off + i] & 0xFF);
            }
        }
        return header + payload;
    }

    /**
     * One connection's reading state. Between frames it holds nothing: the bytes of the socket are read into the
     * loop's shared buffer and parsed there; only a frame cut by the end of a read is copied into a carry of its own
     * size, and dropped once whole.
     */
    static final class Decoder {
        private final Sink sink;
        private byte[] carry;
        private int carried;
        private byte[] message;
        private int messageLength;
        private int messageOpcode = -1;

        Decoder(Sink sink) {
            this.sink = sink;
        }

        /** Reads {@code length} bytes at {@code off}; the array is the caller's and may be changed (unmasking). */
        void feed(byte[] b, int off, int length) throws ProtocolException {
            int end = off + length;
            if (carried > 0) {
                long total;
                while ((total = frameLength(carry, 0, carried)) < 0) {
                    if (off == end) {
                        return;
                    }
                    carry[carried++] = b[off++]; // a header is at most 14 bytes: the carry has room
                }
                checked(total);
                if (carry.length < total) {
                    carry = Arrays.copyOf(carry, (int) total);
                }
                int take = (int) Math.min(end - off, total - carried);
                System.arraycopy(b, off, carry, carried, take);
                off += take;
                carried += take;
                if (carried < total) {
                    return;
                }
                byte[] frame = carry;
                carry = null;
                carried = 0;
                frame(frame, 0, (int) total);
            }
            while (off < end) {
                long total = frameLength(b, off, end - off);
                if (total < 0 || total > end - off) {
                    carry = new byte[(int) Math.max(16, total < 0 ? 0 : checked(total))];
                    carried = end - off;
                    System.arraycopy(b, off, carry, 0, carried);
                    return;
                }
                frame(b, off, (int) total);
                off += (int) total;
            }
        }

        private static long checked(long frameLength) throws ProtocolException {
            if (frameLength > MAX_MESSAGE) {
                throw new ProtocolException("a frame of " + frameLength + " bytes");
            }
            return frameLength;
        }

        private void frame(byte[] b, int off, int total) throws ProtocolException {
            boolean fin = (b[off] & 0x80) != 0;
            int opcode = b[off] & 0x0F;
            boolean masked = (b[off + 1] & 0x80) != 0;
            int length7 = b[off + 1] & 0x7F;
            int p = off + 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
            if (masked) { // servers do not mask (5.1), but a frame that is masked still reads right
                int keyAt = p;
                p += 4;
                for (int i = p; i < off + total; i++) {
                    b[i] ^= b[keyAt + ((i - p) & 3)];
                }
            }
            int n = off + total - p;
            switch (opcode) {
                case TEXT, BINARY -> {
                    if (messageOpcode >= 0) {
                        throw new ProtocolException("a new message inside a fragmented one");
                    }
                    if (fin) {
                        if (opcode == TEXT) {
                            sink.text(new String(b, p, n, StandardCharsets.UTF_8));
                        }
                    } else {
                        messageOpcode = opcode;
                        append(b, p, n);
                    }
                }
                case CONTINUATION -> {
                    if (messageOpcode < 0) {
                        throw new ProtocolException("a continuation without a message");
                    }
                    append(b, p, n);
                    if (fin) {
                        if (messageOpcode == TEXT) {
                            sink.text(new String(message, 0, messageLength, StandardCharsets.UTF_8));
                        }
                        message = null;
                        messageLength = 0;
                        messageOpcode = -1;
                    }
                }
                case CLOSE ->
                    sink.close(
                            n >= 2 ? (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF) : 1005,
                            n > 2 ? new String(b, p + 2, n - 2, StandardCharsets.UTF_8) : "");
                case PING -> sink.ping(Arrays.copyOfRange(b, p, p + n));
                case PONG -> {
                    // we send no pings
                }
                default -> throw new ProtocolException("opcode " + opcode);
            }
        }

        private void append(byte[] b, int p, int n) throws ProtocolException {
            checked((long) messageLength + n);
            if (message == null) {
                message = new byte[Math.max(n * 2, 256)];
            } else if (message.length < messageLength + n) {
                message = Arrays.copyOf(message, Math.max(message.length * 2, messageLength + n));
            }
            System.arraycopy(b, p, message, messageLength, n);
            messageLength += n;
        }
    }
}
