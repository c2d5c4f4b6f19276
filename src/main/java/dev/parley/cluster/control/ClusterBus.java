package dev.parley.cluster.control;

/**
 * Carries short texts between Parley nodes: what one node publishes reaches every other node subscribed at that
 * moment, at most once, with no order across publishers and nothing kept for a node that was not listening. It is a
 * hint that something happened, never the record: what must not be lost is in the database, where a node catches up.
 */
public interface ClusterBus extends AutoCloseable {

    /**
     * Connects and subscribes; returns at once (the first connection may still be under way). The listener is called
     * on the bus's own threads: it must hand off anything that waits or takes a lock.
     */
    void start(Listener listener);

    /** Sends to the other nodes. Never blocks; while the bus is down the text is dropped and counted. */
    void publish(String text);

    /** Whether the bus is connected and subscribed now. */
    boolean up();

    /** Unsubscribes and stops every thread the bus started. */
    @Override
    void close();

    /** What a bus tells its node. */
    interface Listener {

        /** A text another node published (never one this node published). */
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
