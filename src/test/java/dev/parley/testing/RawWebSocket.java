package dev.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WebSocket client on a plain {@link Socket}, the upgrade written by hand: what a test needs when it must own the
 * TCP connection, e.g. a small receive buffer set before connecting, a client that stops reading, or seeing whether
 * the server closed the TCP connection (EOF or reset) rather than only sent a close frame. Text frames only, no
 * fragmentation; frames it sends are masked as RFC 6455 requires of a client.
 */
public final class RawWebSocket implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static final int OP_TEXT = 1;
    public static final int OP_CLOSE = 8;

    /** One frame as received: opcode and payload. */
    public record Frame(int opcode, byte[] payload) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or -1. */
        public int closeCode() {
            return opcode == OP_CLOSE && payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : -1;
        }
    }

    /** How the server ended the TCP connection, as seen by {@link #readToEnd}. */
    public record Ending(boolean endedByServer, long bytesRead, int closeCode, String how, List<String> texts) {

        @Override
        public String toString() {
            return (endedByServer ? "ended by the server (" : "not ended (") + how + ") after " + bytesRead + " bytes, "
                    + texts.size() + " text frames, close code " + closeCode;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code /chat?query} of the server at {@code base} with that receive buffer (set before the
     * connect, so the window the client advertises stays small) and completes the upgrade.
     */
    public static RawWebSocket connect(URL base, String query, int receiveBufferBytes) {
        return connect(base, query, receiveBufferBytes, Map.of());
    }

    /**
     * The same with these request headers, e.g. an {@code Origin}, or a {@code Host} other than the address
     * connected to (what a browser sends for a name that an attacker pointed at this server).
     */
    public static RawWebSocket connect(URL base, String query, int receiveBufferBytes, Map<String, String> headers) {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(receiveBufferBytes);
            socket.setSoTimeout((int) ChatClient.TIMEOUT.toMillis());
            int port = base.getPort() == -1 ? base.getDefaultPort() : base.getPort();
            socket.connect(new InetSocketAddress(base.getHost(), port), (int) ChatClient.TIMEOUT.toMillis());
            RawWebSocket client = new RawWebSocket(socket);
            Map<String, String> request = new LinkedHashMap<>();
            request.put("Host", base.getHost() + ":" + port);
            request.putAll(headers);
            client.upgrade("/chat?" + query, request);
            return client;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException("raw WebSocket to " + base + " failed", e);
        }
    }

    private void upgrade(String path, Map<String, String> headers) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        StringBuilder lines = new StringBuilder();
        headers.forEach(
                (name, value) -> lines.append(name).append(": ").append(value).append("\r\n"));
        String request = "GET " + path + " HTTP/1.1\r\n"
                + lines
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed during the upgrade: " + head);
            }
            head.write(b);
        }
        String response = head.toString(StandardCharsets.ISO_8859_1);
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("the upgrade was refused: " + response);
        }
    }

    public int receiveBufferSize() {
        try {
            return socket.getReceiveBufferSize();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one masked text frame. */
    public void sendText(String text) {
        send(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    private void send(int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        try {
            out.write(frame.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next frame; fails on a timeout ({@link ChatClient#TIMEOUT}) or the end of the stream. */
    public Frame read() {
        try {
            int first = readByte();
            int second = readByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = (long) readByte() << 8 | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = length << 8 | readByte();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new EOFException("the stream ended inside a frame");
            }
            return new Frame(first & 0x0f, payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next text frame that contains {@code marker}, skipping others. */
    public Frame readUntil(String marker) {
        while (true) {
            Frame frame = read();
            if (frame.opcode() == OP_TEXT && frame.text().contains(marker)) {
                return frame;
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the connection");
        }
        return b;
    }

    /**
     * Reads (and parses) whatever the server still sends until the TCP connection ends: EOF or a reset is the
     * server closing it; a read that times out means the server kept it open.
     */
    public Ending readToEnd() {
        long bytes = 0;
        int closeCode = -1;
        List<String> texts = new ArrayList<>();
        try {
            while (true) {
                Frame frame = read();
                bytes += frame.payload().length + 2;
                if (frame.opcode() == OP_CLOSE) {
                    closeCode = frame.closeCode();
                    answerClose(closeCode);
                } else if (frame.opcode() == OP_TEXT) {
                    texts.add(frame.text());
                }
            }
        } catch (UncheckedIOException ended) {
            IOException cause = ended.getCause();
            if (cause instanceof SocketTimeoutException) {
                return new Ending(false, bytes, closeCode, "still open: no byte for " + ChatClient.TIMEOUT, texts);
            }
            return new Ending(true, bytes, closeCode, cause.toString(), texts);
        }
    }

    /**
     * Echoes a close frame, as RFC 6455 asks of the endpoint that receives one: some servers (Open Liberty) close
     * the TCP connection only once the close handshake is complete.
     */
    private void answerClose(int code) {
        try {
            send(OP_CLOSE, code == -1 ? new byte[0] : new byte[] {(byte) (code >>> 8), (byte) code});
        } catch (UncheckedIOException serverClosedFirst) {
            // the server may end the TCP connection right after its close frame (WildFly does)
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
