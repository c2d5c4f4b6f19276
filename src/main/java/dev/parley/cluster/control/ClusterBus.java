package dev.parley.cluster.control;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Carries short texts between Parley nodes: what one node publishes reaches every other node subscribed at that
 * moment, at most once, with no order across publishers and nothing kept for a node that was not listening. It is a
 * hint that something happened, never the record: what must not be lost is in the database, where a node catches up.
 * It also keeps who is in which room on which node (presence), which lives nowhere else and is rebuilt from the nodes
 * when lost.
 */
public interface ClusterBus extends AutoCloseable {

    /**
     * Connects and subscribes; returns at once (the first connection may still be under way). The listener is called
     * on the bus's own threads: it must hand off anything that waits or takes a lock.
     */
    void start(Listener listener);

    /** Sends to the other nodes. Never blocks; while the bus is down the text is dropped and counted. */
    void publish(String text);

    /**
     * Presence across nodes: from now on this node holds user {@code userKey} (shown as {@code name}) in {@code room}
     * ({@code held}), or no longer. A user that at least one node holds is a member of the room cluster-wide; when
     * that changes (the first node holds it, the last one lets go), every node's listener, this node's too, hears it as
     * a {@link Listener#received received} text {@code {"kind":"presence","room":…,"user":KEY,"name":…,"joined":true}}
     * ({@code false}: left), in the order the changes happened. Holding what is held, or letting go of what is not,
     * changes nothing. Never blocks; while the bus is down the change is not recorded, and {@link #holdOnly} after the
     * next {@link Listener#subscribed} puts it right.
     */
    void hold(String room, String userKey, String name, boolean held);

    /**
     * Makes what this node holds exactly {@code holdings} (after a (re)subscription: Redis may have restarted empty,
     * or changes were lost while it was down); each cluster-wide change this makes is heard as with {@link #hold}.
     * Completes when Redis has it (exceptionally if it could not be done).
     */
    CompletionStage<Void> holdOnly(Collection<Holding> holdings);

    /** The members of the room cluster-wide, user key to name (exceptionally while the bus is down). */
    CompletionStage<Map<String, String>> members(String room);

    /**
     * Renews this node's lease for {@code lease} from now, and lets go of everything held by nodes whose lease has
     * lapsed (nodes that died or lost Redis for longer); each member that leaves by it is heard as with {@link #hold}.
     * Called once before the node's first hold (a node is known to the reapers only from then on), then periodically;
     * exceptionally while the bus is down. Completes with true when this node's own lease had lapsed before this
     * renewal (a stalled node): another node may have let go of what it holds, which {@link #holdOnly} says again.
     */
    CompletionStage<Boolean> renewAndReap(Duration lease);

    /** A user this node holds in a room. */
    record Holding(String room, String userKey, String name) {}

    /** Whether the bus is connected and subscribed now. */
    boolean up();

    /** Unsubscribes and stops every thread the bus started. */
    @Override
    void close();

    /** What a bus tells its node. */
    interface Listener {

        /**
         * A text another node published (never one this node {@link #publish published}), or a presence change
         * ({@link #hold}), which every node hears, this one too.
         */
        void received(String text);

        /**
         * The subscription is (again) in place: texts published while it was not are lost, so the node catches up
         * from the database.
         */
        void subscribed();

        /** The connection was lost: texts are neither sent nor received until {@link #subscribed()} comes again. */
        void lost();
    }
}
