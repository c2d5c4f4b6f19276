package dev.parley.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters behind {@code /api/metrics}. The hot paths (a stored message, a broadcast to a room) add to
 * striped {@link LongAdder}s, once per message, not once per recipient; only reading them sums the stripes. Closes
 * (rare) are kept per close code in a map that creates a counter on a code's first use: a refused handshake is a
 * close with its refusal's code, so refusal kinds added later are counted without touching this class.
 */
@ApplicationScoped
public class Metrics {

    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder messagesStored = new LongAdder();
    private final LongAdder messagesDelivered = new LongAdder();
    private final LongAdder storeTransactions = new LongAdder();
    private final LongAdder httpSessions = new LongAdder();
    private final LatencyHistogram storeLatency = new LatencyHistogram();
    private final LatencyHistogram fanOutLatency = new LatencyHistogram();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
    private final LongAdder clusterPublished = new LongAdder();
    private final LongAdder clusterReceived = new LongAdder();
    private final LongAdder clusterHintsDropped = new LongAdder();
    private final LongAdder clusterGapFilled = new LongAdder();
    private final LongAdder clusterCaughtUp = new LongAdder();
    private final LongAdder clusterCatchUps = new LongAdder();
    private volatile ClusterState clusterState = ClusterState.OFF;
    private final LongAdder filesUploaded = new LongAdder();
    private final LongAdder fileBytesUploaded = new LongAdder();
    private final LongAdder uploadsRefused = new LongAdder();
    private final LongAdder filesDownloaded = new LongAdder();
    private final LongAdder fileBytesDownloaded = new LongAdder();

    public void connectionOpened() {
        connectionsOpened.increment();
    }

    /** A message was committed; {@code nanos} is how long the store took, lock and commit included. */
    public void stored(long nanos) {
        messagesStored.increment();
        storeLatency.recordNanos(nanos);
    }

    /** A transaction storing one or more messages (group commit) committed. */
    public void committed() {
        storeTransactions.increment();
    }

    /** One message was enqueued to {@code recipients} connections in {@code nanos}. */
    public void fannedOut(int recipients, long nanos) {
        messagesDelivered.add(recipients);
        fanOutLatency.recordNanos(nanos);
    }

    /** The server closed a connection with this code (every close goes through a connection's outbox). */
    public void closed(int code) {
        closes.computeIfAbsent(code, absent -> new LongAdder()).increment();
    }

    /** An HTTP session of Parley's began (a login, the admin page). */
    public void httpSessionCreated() {
        httpSessions.increment();
    }

    /** An HTTP session of Parley's ended: logged out, or timed out and removed by the server. */
    public void httpSessionDestroyed() {
        httpSessions.decrement();
    }

    /** Parley's HTTP sessions the server holds now. */
    /** Cluster mode: this node published a stored message on the bus. */
    public void hintPublished() {
        clusterPublished.increment();
    }

    /** Cluster mode: a message another node stored came over the bus. */
    public void hintReceived() {
        clusterReceived.increment();
    }

    /** Cluster mode: a hint from the bus found no room in the intake queue (the database catch-up finds it). */
    public void clusterHintDropped() {
        clusterHintsDropped.increment();
    }

    /** Cluster mode: messages a room waited for, read from the database after the bus did not bring them. */
    public void clusterGapFilled(int messages) {
        clusterGapFilled.add(messages);
    }

    /**
     * Cluster mode: one comparison of every room with the database ended, and found these messages (the bus lost
     * them, or was down).
     */
    public void clusterCaughtUp(int messages) {
        clusterCatchUps.increment();
        clusterCaughtUp.add(messages);
    }

    /** Cluster mode from now on, its bus up or down. */
    public void clusterBus(boolean up) {
        clusterState = up ? ClusterState.BUS_UP : ClusterState.BUS_DOWN;
    }

    public long clusterPublished() {
        return clusterPublished.sum();
    }

    public long clusterReceived() {
        return clusterReceived.sum();
    }

    public long clusterHintsDropped() {
        return clusterHintsDropped.sum();
    }

    public long clusterGapFilled() {
        return clusterGapFilled.sum();
    }

    public long clusterCaughtUp() {
        return clusterCaughtUp.sum();
    }

    public long clusterCatchUps() {
        return clusterCatchUps.sum();
    }

    public ClusterState clusterState() {
        return clusterState;
    }

    /** An upload was stored (files extension). */
    public void fileUploaded(long bytes) {
        filesUploaded.increment();
        fileBytesUploaded.add(bytes);
    }

    /** An upload was refused, for whatever reason (its answer's status says which). */
    public void uploadRefused() {
        uploadsRefused.increment();
    }

    public void fileDownloaded(long bytes) {
        filesDownloaded.increment();
        fileBytesDownloaded.add(bytes);
    }

    public long filesUploaded() {
        return filesUploaded.sum();
    }

    public long fileBytesUploaded() {
        return fileBytesUploaded.sum();
    }

    public long uploadsRefused() {
        return uploadsRefused.sum();
    }

    public long filesDownloaded() {
        return filesDownloaded.sum();
    }

    public long fileBytesDownloaded() {
        return fileBytesDownloaded.sum();
    }

    public long httpSessions() {
        return httpSessions.sum();
    }

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long messagesStored() {
        return messagesStored.sum();
    }

    public long storeTransactions() {
        return storeTransactions.sum();
    }

    public long messagesDelivered() {
        return messagesDelivered.sum();
    }

    public long closes(int code) {
        LongAdder counter = closes.get(code);
        return counter == null ? 0 : counter.sum();
    }

    public Map<Integer, Long> closes() {
        Map<Integer, Long> sums = new ConcurrentSkipListMap<>();
        closes.forEach((code, counter) -> sums.put(code, counter.sum()));
        return sums;
    }

    public LatencyHistogram storeLatency() {
        return storeLatency;
    }

    public LatencyHistogram fanOutLatency() {
        return fanOutLatency;
    }
}
