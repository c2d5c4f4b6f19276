package dev.parley.bench;

import java.net.URI;

/**
 * Where the clients connect. {@code parley}: {@code ws://HOST:PORT/chat?name=…}, then {@code join}; a room member is
 * ready at {@code joined}. {@code raw}: the reference endpoint {@code ws://HOST:PORT/raw/broadcast/ROOM}, ready at
 * open. Both get the same {@code say} frames; raw sends them back unchanged, Parley as {@code message} events.
 * {@code --batch true} asks Parley for batched frames ({@code &batch=1}: a frame may be a JSON array of events).
 */
record Target(String kind, URI url, boolean batch) {

    static Target of(Options options) {
        String kind = options.string("target", "parley");
        String fallback = "raw".equals(kind) ? "ws://localhost:8080/raw/broadcast" : "ws://localhost:8080/chat";
        URI url = URI.create(options.string("url", fallback));
        if (!"parley".equals(kind) && !"raw".equals(kind)) {
            throw new IllegalArgumentException("--target is parley or raw");
        }
        String batch = options.string("batch", "false");
        if (!"true".equals(batch) && !"false".equals(batch)) {
            throw new IllegalArgumentException("--batch is true or false");
        }
        return new Target(kind, url, Boolean.parseBoolean(batch));
    }

    boolean raw() {
        return "raw".equals(kind);
    }

    URI uri(String name, String room) {
        return raw() ? URI.create(url + "/" + room) : URI.create(url + "?name=" + name + (batch ? "&batch=1" : ""));
    }

    /** The HTTP base of the same server, for {@code /api/metrics}. */
    URI httpBase() {
        String scheme = "wss".equals(url.getScheme()) ? "https" : "http";
        return URI.create(scheme + "://" + url.getAuthority() + "/");
    }

    static String say(String room, String text, String ref) {
        return "{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + text + "\""
                + (ref == null ? "" : ",\"ref\":\"" + ref + "\"") + "}";
    }

    static String join(String room) {
        return "{\"type\":\"join\",\"room\":\"" + room + "\"}";
    }
}
