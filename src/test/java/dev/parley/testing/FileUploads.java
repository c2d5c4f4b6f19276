package dev.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Uploads as a browser's form does ({@code multipart/form-data}, the part {@code file}), for the files extension. */
public final class FileUploads {

    private FileUploads() {}

    /**
     * POSTs {@code content} to {@code /api/files} under the name and type the "browser" claims, with the page's
     * {@code X-Parley-CSRF} header when {@code fromThePage}.
     */
    public static HttpResponse<String> upload(
            HttpClient http, URI root, String name, String type, byte[] content, boolean fromThePage)
            throws IOException, InterruptedException {
        String boundary = "----parley" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                        + "\"\r\nContent-Type: " + type + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve("api/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (fromThePage) {
            request.header("X-Parley-CSRF", "1");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<byte[]> download(HttpClient http, URI root, String url)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(root.resolve(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
