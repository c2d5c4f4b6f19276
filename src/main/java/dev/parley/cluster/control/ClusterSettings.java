package dev.parley.cluster.control;

import dev.parley.settings.Settings;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of cluster mode (issue #16), read once at startup (settings document). More {@code parley.cluster.*}
 * settings join this record as components, each read in {@link #from(Settings)}.
 *
 * @param redisUrl the Redis that carries hints between nodes ({@code redis://host:port}, Lettuce's URI syntax); empty:
 *     no cluster, one node as before, and no Redis code runs
 * @param channel the Redis pub/sub channel the nodes of one cluster share
 * @param reconnectMax the longest wait between two attempts to reach Redis again
 * @param requestQueue publications waiting for Redis to take them (written or not); one more is dropped (and counted)
 * @param closeTimeout how long closing the bus (undeploy) waits for its connections and threads to end
 * @param gapFillDelay how long a room holds a message from another node back before it reads the lower seqs it
 *     waits for from the database (the bus gives no order across nodes: they are probably on their way)
 * @param catchUpInterval how often every room's latest seq in the database is compared with what this node released
 * @param catchUpIntervalWhileDown the same while the bus is down, when other nodes' messages come only this way
 * @param maxQueuedHints hints from the bus waiting for the node's intake thread; one more is dropped (and counted)
 * @param restrictionsInterval how often the node reads the bans, mutes and closed rooms from the database again, in
 *     case another node's news of a change was lost (it also reads them on every such news and every (re)subscription)
 * @param lease how long the other nodes count this node's members as present without hearing from it (its lease,
 *     renewed every third of it): a node that died is reaped by another after this, its users shown as left
 */
public record ClusterSettings(
        Optional<String> redisUrl,
        String channel,
        Duration reconnectMax,
        int requestQueue,
        Duration closeTimeout,
        Duration gapFillDelay,
        Duration catchUpInterval,
        Duration catchUpIntervalWhileDown,
        int maxQueuedHints,
        Duration restrictionsInterval,
        Duration lease) {

    public static ClusterSettings from(Settings settings) {
        return new ClusterSettings(
                Optional.of(settings.text("parley.cluster.redis-url", "")).filter(url -> !url.isEmpty()),
                settings.text("parley.cluster.channel", "parley"),
                settings.millis("parley.cluster.reconnect-max-ms", Duration.ofSeconds(2)),
                settings.integer("parley.cluster.request-queue", 10_000),
                settings.millis("parley.cluster.close-timeout-ms", Duration.ofSeconds(5)),
                settings.millis("parley.cluster.gap-fill-ms", Duration.ofMillis(20)),
                settings.millis("parley.cluster.catch-up-interval-ms", Duration.ofSeconds(1)),
                settings.millis("parley.cluster.catch-up-interval-down-ms", Duration.ofMillis(250)),
                settings.integer("parley.cluster.max-queued-hints", 10_000),
                settings.millis("parley.cluster.restrictions-interval-ms", Duration.ofSeconds(5)),
                settings.millis("parley.cluster.lease-ms", Duration.ofSeconds(10)));
    }

    /** Whether this node is one of a cluster (a Redis URL is set). */
    public boolean enabled() {
        return redisUrl.isPresent();
    }
}
