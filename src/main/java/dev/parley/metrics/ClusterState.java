package dev.parley.metrics;

/** Whether this node runs in cluster mode, and if so whether its bus (Redis) reaches the other nodes now. */
public enum ClusterState {
    /** One node: {@code parley.cluster.redis-url} is unset and no cluster code runs. */
    OFF,
    /** Cluster mode with the bus down: news cannot reach the other nodes (the database still carries messages). */
    BUS_DOWN,
    /** Cluster mode with the bus up. */
    BUS_UP;

    public boolean clustered() {
        return this != OFF;
    }
}
