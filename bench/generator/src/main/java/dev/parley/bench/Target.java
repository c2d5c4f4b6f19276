package dev.parley.bench;

import java.net.URI;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the clients connect. {@code --url} may name several nodes of one cluster, comma-separated: client i
 * connects to {@code urls[i % n]} ({@link #uri(int, String, String)}); {@link #url()} is the first. {@code parley}: {@code ws://HOST:PORT/chat?name=…}, then {@code join}; a room member is
 * ready at {@code joined}. {@code raw}: the reference endpoint {@code ws://HOST:PORT/raw/broadcast/ROOM}, ready at
 * open. Both get the same {@code say} frames; raw sends them back unchanged, Parley as {@code message} events.
 * {@code --batch true} asks Parley for batched frames ({@code &batch=1}: a frame may be a JSON array of events).
 */
record Target(String kind, List<URI> urls, boolean batch) {

    static Target of(Options options) {
        String kind = options.string("target", "parley");
        String fallback = "raw".equals(kind) ? "ws://localhost:8080/raw/broadcast" : "ws://localhost:8080/chat";
        List<URI> urls = Stream.of(options.string("url", fallback).split(","))
                .map(String::trim)
                .filter(url -> !url.isEmpty())
                .map(URI::create)
                .toList();
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("--url names no URL");
        }
        if (!"parley".equals(kind) && !"raw".equals(kind)) {
            throw new IllegalArgumentException("--target is parley or raw");
        }
        String batch = options.string("batch", "false");
        if (!"true".equals(batch) && !"false".equals(batch)) {
            throw new IllegalArgumentException("--batch is true or false");
        }
        return new Target(kind, urls, Boolean.parseBoolean(batch));
    }

    /** The first URL (the only one unless several nodes were named). */
    URI url() {
        return urls.get(0);
    }

    /** The HTTP base of every node, in the order of {@code --url}. */
    List<URI> httpBases() {
        return urls.stream().map(Target::httpBase).toList();
    }

    boolean raw() {
        return "raw".equals(kind);
    }

    URI uri(String name, String room) {
        return uri(url(), name, room);
    }

    /** Client {@code index}'s URL: the nodes take the clients in turn. */
    URI uri(int index, String name, String room) {
        return uri(urls.get(Math.floorMod(index, urls.size())), name, room);
    }

    private URI uri(URI url, String name, String room) {
        return raw() ? URI.create(url + "/" + room) : URI.create(url + "?name=" + name + (batch ? "&batch=1" : ""));
    }

    /** The HTTP base of the same server, for {@code /api/metrics}. */
    URI httpBase() {
        return httpBase(url());
    }

    private static URI httpBase(URI url) {
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
