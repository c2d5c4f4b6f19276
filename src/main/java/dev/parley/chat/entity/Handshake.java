package dev.parley.chat.entity;

/**
 * What the HTTP upgrade request said about who is connecting, captured by the handshake configurator and
 * judged in {@code @OnOpen}, where a refusal can still be told to the client (protocol: upgrade, error, close).
 *
 * @param principal the container's authenticated user name, or null
 * @param name      the {@code name} query parameter, or null
 * @param resume    the {@code resume} query parameter, or null
 * @param origin    the {@code Origin} header, or null when absent
 * @param host      the {@code Host} header the request was sent to
 * @param peer         the TCP peer's address, or null when the container did not tell
 * @param forwardedFor the {@code X-Forwarded-For} header, or null (believed only from a trusted proxy)
 * @param batch        whether the client asked for batched frames ({@code batch=1})
 * @param membership   whether the client asked the server to keep its user's rooms ({@code membership=1})
 */
public record Handshake(
        String principal,
        String name,
        String resume,
        String origin,
        String host,
        String peer,
        String forwardedFor,
        boolean batch,
        boolean membership) {

    public static final String KEY = Handshake.class.getName();

    public Handshake(String principal, String name, String resume, String origin, String host) {
        this(principal, name, resume, origin, host, null, null, false, false);
    }
}
