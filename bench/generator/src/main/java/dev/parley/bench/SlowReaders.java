package dev.parley.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Connections that join rooms and then never read: a plain socket with a small receive buffer that reads the HTTP
 * upgrade answer and the first frame ({@code welcome}, or the refusal), sends its {@code join}s and reads nothing
 * more, so whatever the server sends them piles up in the server. The JDK client is not used here because it
 * answers pings and reads ahead on its own. Once a second each sends a ping frame: when that fails the server has
 * closed it (the close code is in the unread bytes, so it is not known here), and the slot connects again.
 */
final class SlowReaders {

    private static final byte[] PING = {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4};

    private final URI chat;
    private final List<InetAddress> sources;
    private final int slotsPerSource;
    private final long retryMillis;
    private final String prefix;
    private final List<String> rooms;
    private final List<Thread> threads = new ArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong names = new AtomicLong();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder welcomed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder connectFailed = new LongAdder();
    private final LongAdder closedByServer = new LongAdder();
    private final LongAdder heldMillis = new LongAdder();
    private final LongAdder open = new LongAdder();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private volatile long maxOpen;
    private volatile boolean stopped;

    SlowReaders(
            URI chat,
            List<InetAddress> sources,
            int slotsPerSource,
            long retryMillis,
            String prefix,
            List<String> rooms) {
        this.chat = chat;
        this.sources = sources;
        this.slotsPerSource = slotsPerSource;
        this.retryMillis = retryMillis;
        this.prefix = prefix;
        this.rooms = rooms;
    }

    void start() {
        for (int i = 0; i < sources.size() * slotsPerSource; i++) {
            InetAddress source = sources.get(i % sources.size());
            Thread thread = Client.daemon("bench-slow-reader").newThread(() -> slot(source));
            threads.add(thread);
            thread.start();
        }
    }

    void stop() throws InterruptedException {
        stopped = true;
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(5_000);
        }
    }

    private void slot(InetAddress source) {
        while (!stopped) {
            attempts.increment();
            try (Socket socket = new Socket()) {
                sockets.add(socket);
                socket.setReceiveBufferSize(4096);
                socket.bind(new InetSocketAddress(source, 0));
                socket.connect(new InetSocketAddress(chat.getHost(), chat.getPort()), 10_000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                String user = prefix + Long.toString(names.incrementAndGet(), 36);
                out.write(upgrade(user).getBytes(StandardCharsets.US_ASCII));
                String answer = headers(in);
                String first = answer.startsWith("HTTP/1.1 101") ? firstFrame(in) : null;
                if (!"welcome".equals(first == null ? null : Json.type(first))) {
                    refused.increment();
                    String code = first == null ? "http " + answer.split("\r\n")[0] : Json.string(first, "code");
                    refusals.computeIfAbsent(String.valueOf(code), c -> new LongAdder())
                            .increment();
                    pause(retryMillis);
                    continue;
                }
                welcomed.increment();
                open.increment();
                maxOpen = Math.max(maxOpen, open.sum());
                long since = System.currentTimeMillis();
                try {
                    for (String room : rooms) {
                        out.write(text(Target.join(room)));
                    }
                    out.flush();
                    while (!stopped) {
                        pause(1_000);
                        out.write(PING);
                        out.flush();
                    }
                } catch (IOException closed) {
                    if (!stopped) {
                        closedByServer.increment();
                        heldMillis.add(System.currentTimeMillis() - since);
                    }
                } finally {
                    open.decrement();
                }
            } catch (IOException failed) {
                if (!stopped) {
                    connectFailed.increment();
                    pause(retryMillis);
                }
            } finally {
                sockets.removeIf(Socket::isClosed);
            }
        }
    }

    private String upgrade(String user) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return "GET " + chat.getRawPath() + "?name=" + user + " HTTP/1.1\r\nHost: " + chat.getHost() + ":"
                + chat.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    private static String headers(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The payload of the first frame as text (the server's frames are not masked; welcome is small). */
    private static String firstFrame(InputStream in) throws IOException {
        byte[] header = in.readNBytes(2);
        if (header.length < 2) {
            return null;
        }
        long length = header[1] & 0x7f;
        if (length == 126) {
            byte[] extended = in.readNBytes(2);
            length = (extended[0] & 0xff) << 8 | (extended[1] & 0xff);
        } else if (length == 127) {
            byte[] extended = in.readNBytes(8);
            length = 0;
            for (byte b : extended) {
                length = length << 8 | (b & 0xff);
            }
        }
        if (length > 1 << 20) {
            throw new IOException("first frame of " + length + " bytes");
        }
        byte[] payload = in.readNBytes((int) length);
        return (header[0] & 0x0f) == 1 ? new String(payload, StandardCharsets.UTF_8) : null;
    }

    /** A masked text frame, as a client must send. */
    static byte[] text(String frame) {
        byte[] payload = frame.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length);
        }
        out.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    Map<String, Object> outcome() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source_addresses", sources.size());
        out.put("slots", threads.size());
        out.put("connect_attempts", attempts.sum());
        out.put("welcomed", welcomed.sum());
        out.put("refused_at_handshake", refused.sum());
        out.put("refusals_by_code", Results.counts(refusals));
        out.put("connect_failed", connectFailed.sum());
        out.put("open_max", maxOpen);
        out.put("closed_by_server", closedByServer.sum());
        out.put(
                "mean_seconds_held_before_close",
                closedByServer.sum() == 0 ? 0.0 : heldMillis.sum() / 1000.0 / closedByServer.sum());
        return out;
    }

    String brief() {
        return "slow-readers[welcomed=" + welcomed.sum() + " refused=" + Results.counts(refusals) + " open-max="
                + maxOpen + " closed-by-server=" + closedByServer.sum() + "]";
    }
}
