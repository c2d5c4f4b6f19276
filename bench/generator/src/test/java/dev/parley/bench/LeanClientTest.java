package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lean client against a WebSocket server on a loopback socket, written out by hand here so that the test controls
 * every byte: the upgrade and its accept check, a fragmented message, a batch, a ping that must be answered, the
 * server's close.
 */
class LeanClientTest {

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final LeanClient cut = new LeanClient(1, List.of(InetAddress.getByName("127.0.0.2")));
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    LeanClientTest() throws IOException {}

    @AfterEach
    void closeServer() throws IOException {
        server.close();
    }

    private final Client.Handler handler = new Client.Handler() {
        @Override
        public void onFrame(Client client, String frame) {
            seen.add(frame);
        }

        @Override
        public void onClose(Client client, int code, String reason) {
            seen.add("closed " + code + " " + reason);
        }
    };

    private CompletableFuture<Client> connect() {
        URI uri = URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/chat?name=ann&batch=1");
        return cut.connect(uri, 7, "ann", "r", handler);
    }

    /** Reads the upgrade request; answers it with {@code accept} (null: the right one); returns the request. */
    private static String upgrade(Socket socket, String accept) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            head.write(in.read());
        }
        String request = head.toString(StandardCharsets.ISO_8859_1);
        String key = request.lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
                .findFirst()
                .orElseThrow()
                .substring("sec-websocket-key:".length())
                .trim();
        String answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + (accept == null ? LeanConnection.acceptFor(key) : accept) + "\r\n\r\n";
        socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
        return request;
    }

    /** One client frame: checks the mask bit, returns opcode and unmasked payload. */
    private static Object[] readClientFrame(DataInputStream in) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertEquals(0x80, b1 & 0x80, "a client's frame is masked");
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] key = new byte[4];
        in.readFully(key);
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= key[i & 3];
        }
        return new Object[] {b0 & 0x0F, payload};
    }

    @Test
    void talksToAServerFromUpgradeToClose() throws Exception {
        CompletableFuture<Client> connecting = connect();
        try (Socket socket = server.accept()) {
            assertEquals(InetAddress.getByName("127.0.0.2"), socket.getInetAddress(), "bound to the source address");
            String request = upgrade(socket, null);
            assertTrue(request.startsWith("GET /chat?name=ann&batch=1 HTTP/1.1\r\n"), request);
            OutputStream out = socket.getOutputStream();
            // the first frame comes in the same write as the upgrade's answer would
            byte[] whole = "{\"type\":\"welcome\"}".getBytes(StandardCharsets.UTF_8);
            out.write(FramesTest.concat(
                    FramesTest.serverFrame(false, Frames.TEXT, java.util.Arrays.copyOfRange(whole, 0, 5)),
                    FramesTest.serverFrame(true, Frames.CONTINUATION, java.util.Arrays.copyOfRange(whole, 5, whole.length))));
            Client client = connecting.get(10, TimeUnit.SECONDS);
            assertEquals("{\"type\":\"welcome\"}", seen.poll(10, TimeUnit.SECONDS));

            out.write(FramesTest.serverFrame(true, Frames.TEXT, "[{\"seq\":1},{\"seq\":2}]".getBytes()));
            assertEquals("{\"seq\":1}", seen.poll(10, TimeUnit.SECONDS));
            assertEquals("{\"seq\":2}", seen.poll(10, TimeUnit.SECONDS));

            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(FramesTest.serverFrame(true, Frames.PING, new byte[] {4, 0, 1, 0}));
            Object[] pong = readClientFrame(in);
            assertEquals(Frames.PONG, pong[0]);
            assertArrayEquals(new byte[] {4, 0, 1, 0}, (byte[]) pong[1]);

            client.send("{\"type\":\"join\",\"room\":\"r\"}");
            Object[] join = readClientFrame(in);
            assertEquals(Frames.TEXT, join[0]);
            assertEquals("{\"type\":\"join\",\"room\":\"r\"}", new String((byte[]) join[1], StandardCharsets.UTF_8));

            out.write(FramesTest.serverFrame(
                    true, Frames.CLOSE, FramesTest.concat(new byte[] {(byte) (4010 >> 8), (byte) 4010}, "ping".getBytes())));
            Object[] closeAnswer = readClientFrame(in);
            assertEquals(Frames.CLOSE, closeAnswer[0]);
            assertArrayEquals(new byte[] {(byte) (4010 >> 8), (byte) 4010}, (byte[]) closeAnswer[1]);
            assertEquals("closed 4010 ping", seen.poll(10, TimeUnit.SECONDS));
            assertEquals(-1, in.read(), "the client ended the socket");
        }
    }

    @Test
    void aWrongAcceptFailsTheConnect() throws Exception {
        CompletableFuture<Client> connecting = connect();
        try (Socket socket = server.accept()) {
            upgrade(socket, LeanConnection.acceptFor("not the key"));
            ExecutionException failed =
                    assertThrows(ExecutionException.class, () -> connecting.get(10, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("Sec-WebSocket-Accept"), failed.getCause().toString());
        }
    }
}
