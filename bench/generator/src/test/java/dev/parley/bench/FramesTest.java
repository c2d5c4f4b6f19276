package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FramesTest {

    private final List<String> events = new ArrayList<>();
    private final Frames.Decoder cut = new Frames.Decoder(new Frames.Sink() {
        @Override
        public void text(String message) {
            events.add("text " + message);
        }

        @Override
        public void ping(byte[] payload) {
            events.add("ping " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void close(int code, String reason) {
            events.add("close " + code + " " + reason);
        }
    });

    /** A server's frame: not masked (RFC 6455 5.1). */
    static byte[] serverFrame(boolean fin, int opcode, byte[] payload) {
        int n = payload.length;
        ByteBuffer out = ByteBuffer.allocate(10 + n);
        out.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (n < 126) {
            out.put((byte) n);
        } else if (n <= 0xFFFF) {
            out.put((byte) 126).putShort((short) n);
        } else {
            out.put((byte) 127).putLong(n);
        }
        out.put(payload);
        return Arrays.copyOf(out.array(), out.position());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String text(int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append((char) ('a' + i % 26));
        }
        return out.toString();
    }

    private void feedInPieces(byte[] bytes, int piece) throws ProtocolException {
        for (int i = 0; i < bytes.length; i += piece) {
            // a copy, as a read of the shared buffer would be: the decoder must not keep a reference to it
            byte[] read = Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + piece));
            cut.feed(read, 0, read.length);
        }
    }

    @Test
    void clientFramesAreMaskedWithEachLengthEncoding() {
        for (int length : new int[] {0, 125, 126, 65535, 65536, 70000}) {
            byte[] payload = text(length).getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = Frames.encode(Frames.TEXT, payload, 0x11223344);
            int expectedHeader = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
            assertEquals(expectedHeader + 4 + length, frame.remaining(), "frame size for " + length);
            assertEquals((byte) 0x81, frame.get(0), "FIN and text");
            assertEquals(0x80, frame.get(1) & 0x80, "mask bit for " + length);
            int length7 = frame.get(1) & 0x7F;
            assertEquals(length < 126 ? length : length <= 0xFFFF ? 126 : 127, length7);
            if (length7 == 126) {
                assertEquals(length, frame.getShort(2) & 0xFFFF);
            } else if (length7 == 127) {
                assertEquals(length, frame.getLong(2));
            }
            assertEquals(0x11223344, frame.getInt(expectedHeader));
            byte[] key = {0x11, 0x22, 0x33, 0x44};
            byte[] unmasked = new byte[length];
            for (int i = 0; i < length; i++) {
                unmasked[i] = (byte) (frame.get(expectedHeader + 4 + i) ^ key[i & 3]);
            }
            assertArrayEquals(payload, unmasked, "payload for " + length);
            if (length >= 4) {
                assertEquals(false, Arrays.equals(payload, 0, 4, frame.array(), expectedHeader + 4, expectedHeader + 8));
            }
        }
    }

    @Test
    void framesOfEachLengthAreReadWholeAndInAnySplit() throws ProtocolException {
        int[] lengths = {0, 1, 125, 126, 127, 65535, 65536, 100_000};
        byte[] all = new byte[0];
        for (int length : lengths) {
            all = concat(all, serverFrame(true, Frames.TEXT, text(length).getBytes(StandardCharsets.UTF_8)));
        }
        List<String> expected = new ArrayList<>();
        for (int length : lengths) {
            expected.add("text " + text(length));
        }
        for (int piece : new int[] {all.length, 1, 2, 3, 7, 13, 125, 4096, 65537}) {
            events.clear();
            feedInPieces(all, piece);
            assertEquals(expected, events, "read in pieces of " + piece);
        }
    }

    @Test
    void randomSplitsOfManyFramesReadTheSame() throws ProtocolException {
        Random random = new Random(42);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String message = text(random.nextInt(3) == 0 ? random.nextInt(70_000) : random.nextInt(200));
            stream.writeBytes(serverFrame(true, Frames.TEXT, message.getBytes(StandardCharsets.UTF_8)));
            expected.add("text " + message);
        }
        byte[] all = stream.toByteArray();
        int at = 0;
        while (at < all.length) {
            int piece = Math.min(all.length - at, 1 + random.nextInt(20_000));
            byte[] read = Arrays.copyOfRange(all, at, at + piece);
            cut.feed(read, 0, read.length);
            at += piece;
        }
        assertEquals(expected, events);
    }

    @Test
    void aFragmentedMessageIsAssembledAcrossACutCharacterAndAPingBetweenFragments() throws ProtocolException {
        byte[] whole = "{\"text\":\"héllo wörld\"}".getBytes(StandardCharsets.UTF_8);
        int cutInsideE = 10; // 'é' is bytes 9 and 10: the first fragment ends inside it
        byte[] bytes = concat(
                serverFrame(false, Frames.TEXT, Arrays.copyOfRange(whole, 0, cutInsideE)),
                serverFrame(true, Frames.PING, "are you there".getBytes(StandardCharsets.UTF_8)),
                serverFrame(false, Frames.CONTINUATION, Arrays.copyOfRange(whole, cutInsideE, 15)),
                serverFrame(true, Frames.CONTINUATION, Arrays.copyOfRange(whole, 15, whole.length)),
                serverFrame(true, Frames.TEXT, "next".getBytes(StandardCharsets.UTF_8)));
        for (int piece : new int[] {bytes.length, 1, 5}) {
            events.clear();
            feedInPieces(bytes, piece);
            assertEquals(
                    List.of("ping are you there", "text {\"text\":\"héllo wörld\"}", "text next"),
                    events,
                    "in pieces of " + piece);
        }
    }

    @Test
    void closeCarriesTheServersCodeAndReason() throws ProtocolException {
        byte[] payload = concat(new byte[] {(byte) (4010 >> 8), (byte) (4010 & 0xFF)}, "no pong".getBytes());
        feedInPieces(concat(serverFrame(true, Frames.CLOSE, payload), serverFrame(true, Frames.CLOSE, new byte[0])), 3);
        assertEquals(List.of("close 4010 no pong", "close 1005 "), events);
    }

    @Test
    void aMaskedFrameStillReads() throws ProtocolException {
        ByteBuffer frame = Frames.text("masked", 0xCAFEBABE);
        byte[] bytes = Arrays.copyOf(frame.array(), frame.remaining());
        cut.feed(bytes, 0, bytes.length);
        assertEquals(List.of("text masked"), events);
    }

    @Test
    void pongsAndBinaryMessagesAreNotEvents() throws ProtocolException {
        feedInPieces(
                concat(
                        serverFrame(true, Frames.PONG, new byte[] {1}),
                        serverFrame(false, Frames.BINARY, new byte[] {1, 2}),
                        serverFrame(true, Frames.CONTINUATION, new byte[] {3}),
                        serverFrame(true, Frames.TEXT, "after".getBytes())),
                2);
        assertEquals(List.of("text after"), events);
    }

    @Test
    void protocolErrorsAreRefused() {
        byte[] orphan = serverFrame(true, Frames.CONTINUATION, new byte[] {1});
        assertThrows(ProtocolException.class, () -> cut.feed(orphan, 0, orphan.length));
        byte[] huge = {(byte) 0x81, 127, 0, 0, 0, 0, 0x7F, 0, 0, 0};
        assertThrows(ProtocolException.class, () -> new Frames.Decoder(null).feed(huge, 0, huge.length));
        byte[] nested = concat(
                serverFrame(false, Frames.TEXT, new byte[] {'a'}), serverFrame(true, Frames.TEXT, new byte[] {'b'}));
        assertThrows(ProtocolException.class, () -> new Frames.Decoder(null).feed(nested, 0, nested.length));
    }
}
