package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 requests on a plain {@link Socket} bound to a loopback source address of the test's choice
 * (127.0.0.2 …): the JDK's HttpClient of Java 17 cannot pick its source address, and per-address limits must not
 * reach the other tests, which all come from 127.0.0.1. One request per connection.
 */
public final class RawHttp {

    /** What came back: the status, the headers (names in lower case, the last of repeated ones) and the body. */
    public record Response(int status, Map<String, String> headers, String body) {}

    private final URL base;
    private final InetAddress from;

    private RawHttp(URL base, InetAddress from) {
        this.base = base;
        this.from = from;
    }

    public static RawHttp from(URL base, String loopbackAddress) {
        try {
            return new RawHttp(base, InetAddress.getByName(loopbackAddress));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code method path} with {@code headers} (each "Name: value") and {@code body} (null: none). */
    public Response send(String method, String path, String body, String... headers) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), (int) ChatClient.TIMEOUT.toMillis());
            socket.setSoTimeout((int) ChatClient.TIMEOUT.toMillis());
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder()
                    .append(method)
                    .append(' ')
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: ")
                    .append(base.getHost())
                    .append(':')
                    .append(base.getPort())
                    .append("\r\nConnection: close\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            if (body != null) {
                request.append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(content);
            socket.getOutputStream().flush();
            return parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " from " + from, e);
        }
    }

    private static Response parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no HTTP response: " + raw);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        // chunked bodies stay as sent: the tests look for words in them, not at their length
        return new Response(status, headers, raw.substring(end + 4));
    }
}
