package dev.parley.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket connection of the {@link LeanClient}: the HTTP upgrade (the server's {@code Sec-WebSocket-Accept}
 * checked), then frames through a {@link Frames.Decoder}; pings answered with pongs (Parley closes connections that
 * do not answer its pings, code 4010); a server's close answered and reported to the handler. Reads and the
 * handler run on the connection's loop thread; sends come from any thread and are written at once when nothing is
 * queued before them (the rest waits for the socket to take it, on the loop).
 */
final class LeanConnection implements Client.Wire, Frames.Sink {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private final Client client;
    private final URI uri;
    private final LeanClient.Loop loop;
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    private SocketChannel channel;
    private SelectionKey key;
    /** The {@code Sec-WebSocket-Accept} the server must answer; null once open. */
    private String accept;
    /** The handshake response read so far; null once open. */
    private byte[] head;

    private int headLength;
    private Frames.Decoder decoder;
    /** Bytes the socket did not take yet, in order; guarded by this. */
    private ArrayDeque<ByteBuffer> unsent;

    private volatile boolean ended;
    private volatile boolean closeSent;

    LeanConnection(Client client, URI uri, LeanClient.Loop loop) {
        this.client = client;
        this.uri = uri;
        this.loop = loop;
    }

    /** Opens the socket (bound to {@code source} unless null) on the loop, then the upgrade. */
    void start(InetAddress source, InetSocketAddress server) {
        loop.execute(() -> {
            if (ended) {
                return; // given up on before the loop came to it
            }
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (source != null) {
                    channel.bind(new InetSocketAddress(source, 0));
                }
                boolean connected = channel.connect(server);
                key = channel.register(loop.selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
                if (connected) {
                    upgrade();
                }
            } catch (IOException | RuntimeException failed) {
                lost(1006, failed.toString());
            }
        });
    }

    /** The loop's callback: the socket is connected, writable or readable. */
    void ready(SelectionKey selected) {
        try {
            if (selected.isConnectable()) {
                channel.finishConnect();
                upgrade();
                return;
            }
            if (selected.isWritable()) {
                flush();
            }
            if (selected.isReadable()) {
                read();
            }
        } catch (IOException | RuntimeException failed) {
            lost(1006, failed.toString());
        }
    }

    private void upgrade() throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String challenge = Base64.getEncoder().encodeToString(nonce);
        accept = acceptFor(challenge);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + challenge
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        key.interestOps(SelectionKey.OP_READ);
        write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static String acceptFor(String challenge) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-1").digest((challenge + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private void read() throws IOException {
        ByteBuffer buffer = loop.readBuffer;
        buffer.clear();
        int n = channel.read(buffer);
        if (n < 0) {
            lost(1006, "the server closed the socket without a close frame");
            return;
        }
        if (accept != null) {
            response(buffer.array(), n);
        } else if (n > 0) {
            decoder.feed(buffer.array(), 0, n);
        }
    }

    /** Collects the handshake response; once whole, checks it and reads the frames that came behind it. */
    private void response(byte[] b, int n) throws IOException {
        if (head == null) {
            head = new byte[Math.max(512, n)];
        } else if (head.length < headLength + n) {
            head = Arrays.copyOf(head, Math.max(head.length * 2, headLength + n));
        }
        System.arraycopy(b, 0, head, headLength, n);
        headLength += n;
        int end = indexOf(head, headLength, END_OF_HEAD);
        if (end < 0) {
            if (headLength > 16 * 1024) {
                throw new ProtocolException("no end of the handshake response in 16 KiB");
            }
            return;
        }
        String response = new String(head, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = response.split("\r\n");
        if (!lines[0].matches("HTTP/1\\.1 101\\b.*")) {
            throw new ProtocolException("upgrade refused: " + lines[0]);
        }
        String answered = null;
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-accept:")) {
                answered = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        if (!accept.equals(answered)) {
            throw new ProtocolException("Sec-WebSocket-Accept " + answered + ", expected " + accept);
        }
        byte[] behind = head;
        int from = end + END_OF_HEAD.length;
        int length = headLength - from;
        accept = null;
        head = null;
        decoder = new Frames.Decoder(this);
        client.attach(this);
        opened.complete(null);
        if (length > 0) {
            decoder.feed(behind, from, length);
        }
    }

    private static int indexOf(byte[] b, int length, byte[] what) {
        outer:
        for (int i = 0; i <= length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void text(String message) {
        client.receive(message);
    }

    @Override
    public void ping(byte[] payload) {
        write(Frames.encode(Frames.PONG, payload, ThreadLocalRandom.current().nextInt()));
    }

    /** The server's close: answered (unless we began it) and reported with the server's code. */
    @Override
    public void close(int code, String reason) {
        if (!closeSent) {
            closeSent = true;
            write(Frames.close(
                    code == 1005 ? 1000 : code, ThreadLocalRandom.current().nextInt()));
        }
        if (end()) {
            client.closed(code, reason);
        }
    }

    @Override
    public void send(String frame) {
        write(Frames.text(frame, ThreadLocalRandom.current().nextInt()));
    }

    /** Our close: the close frame; the socket ends when the server answers it. */
    @Override
    public void close() {
        if (!closeSent) {
            closeSent = true;
            write(Frames.close(1000, ThreadLocalRandom.current().nextInt()));
        }
    }

    /** Ends the socket without a close frame and without telling the handler (the scenario is done with it). */
    @Override
    public void abort() {
        end();
    }

    private synchronized void write(ByteBuffer bytes) {
        if (ended) {
            return;
        }
        try {
            if (unsent == null || unsent.isEmpty()) {
                channel.write(bytes);
                if (!bytes.hasRemaining()) {
                    return;
                }
            }
            if (unsent == null) {
                unsent = new ArrayDeque<>(4);
            }
            unsent.add(bytes);
            key.interestOpsOr(SelectionKey.OP_WRITE);
            if (!loop.inLoop()) {
                loop.selector.wakeup();
            }
        } catch (IOException | RuntimeException failed) {
            // reported on the loop: the handler never runs on a sender's thread under this lock
            loop.execute(() -> lost(1006, failed.toString()));
        }
    }

    private synchronized void flush() throws IOException {
        while (unsent != null && !unsent.isEmpty()) {
            ByteBuffer bytes = unsent.peek();
            channel.write(bytes);
            if (bytes.hasRemaining()) {
                return;
            }
            unsent.poll();
        }
        unsent = null;
        key.interestOpsAnd(~SelectionKey.OP_WRITE);
    }

    /** The connection failed: before it was open, the connect fails; after, the handler hears it. */
    private void lost(int code, String reason) {
        if (!end()) {
            return;
        }
        if (!opened.isDone()) {
            opened.completeExceptionally(new IOException(uri + ": " + reason));
        } else {
            client.closed(code, reason);
        }
    }

    /** Closes the socket; true the first time only. */
    private boolean end() {
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            unsent = null;
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
        if (!loop.inLoop()) {
            loop.selector.wakeup(); // a closed channel's descriptor is released at the loop's next select
        }
        return true;
    }
}
