package dev.parley.ops.boundary;

import dev.parley.chat.control.Memberships;
import dev.parley.chat.control.OutboundBudget;
import dev.parley.chat.control.Rooms;
import dev.parley.chat.control.Users;
import dev.parley.chat.entity.Closing;
import dev.parley.metrics.ClusterState;
import dev.parley.metrics.Metrics;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/metrics} in the Prometheus text exposition format (version 0.0.4). Counters end in
 * {@code _total}; latencies are histograms in seconds. A scrape sums striped counters and walks the online users
 * once: cheap enough for a scrape every few seconds, not meant for every request.
 */
@Path("metrics")
@RequestScoped
public class MetricsResource {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The close codes that refuse a connection: the 40xx codes below 4008 and {@code limit_exceeded}. */
    static final List<Closing> REFUSALS = Arrays.stream(Closing.values())
            .filter(closing ->
                    closing.getCode() >= 4000 && closing.getCode() < 4008 || closing == Closing.LIMIT_EXCEEDED)
            .toList();

    @Inject
    Metrics metrics;

    @Inject
    Rooms rooms;

    @Inject
    OutboundBudget outbound;

    @Inject
    Users users;

    @Inject
    Memberships memberships;

    @GET
    @Produces(PROMETHEUS_TEXT)
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "parley_connections", "open chat connections that were welcomed", users.connectionCount());
        gauge(out, "parley_users", "users online", users.userCount());
        gauge(out, "parley_rooms", "open rooms", rooms.roomCount());
        gauge(out, "parley_http_sessions", "HTTP sessions of Parley the server holds", metrics.httpSessions());
        gauge(
                out,
                "parley_room_cache_chars",
                "recent messages the rooms keep in memory, in chars (parley.rooms.cache-chars bounds it)",
                rooms.cachedChars());
        gauge(
                out,
                "parley_outbound_queued_chars",
                "frames queued or in flight to clients, in chars (parley.outbound.total-chars bounds it)",
                outbound.queuedChars());
        gauge(
                out,
                "parley_read_markers_unstored",
                "read markers moved and not yet written (parley.membership.marker-store-interval-ms)",
                memberships.unstoredMarkers());
        counter(
                out,
                "parley_connections_opened_total",
                "chat connections welcomed since start",
                metrics.connectionsOpened());
        counter(out, "parley_messages_stored_total", "messages committed to the database", metrics.messagesStored());
        counter(out, "parley_files_uploaded_total", "uploads stored (files)", metrics.filesUploaded());
        counter(out, "parley_files_uploaded_bytes_total", "bytes of the uploads stored", metrics.fileBytesUploaded());
        counter(
                out,
                "parley_files_refused_total",
                "uploads refused: not logged in, too large, not what they claim, over a quota or rate, the node busy",
                metrics.uploadsRefused());
        counter(out, "parley_files_downloaded_total", "files served", metrics.filesDownloaded());
        counter(out, "parley_files_downloaded_bytes_total", "bytes of the files served", metrics.fileBytesDownloaded());
        counter(
                out,
                "parley_store_transactions_total",
                "transactions that stored messages; several posts can share one (group commit)",
                metrics.storeTransactions());
        counter(
                out,
                "parley_messages_delivered_total",
                "message frames enqueued to room members (one per member connection per message)",
                metrics.messagesDelivered());
        counter(
                out,
                "parley_queue_overflows_total",
                "connections closed with 4008 because their outbound queue overflowed",
                metrics.closes(4008));
        Map<Integer, Long> closes = metrics.closes();
        out.append("# HELP parley_refusals_total connections refused (error event, then a 40xx close), by reason\n");
        out.append("# TYPE parley_refusals_total counter\n");
        for (Closing refusal : REFUSALS) {
            out.append("parley_refusals_total{reason=\"")
                    .append(reason(refusal.getCode()))
                    .append("\",code=\"")
                    .append(refusal.getCode())
                    .append("\"} ")
                    .append(closes.getOrDefault(refusal.getCode(), 0L))
                    .append('\n');
        }
        out.append("# HELP parley_closes_total connections the server closed, by close code\n");
        out.append("# TYPE parley_closes_total counter\n");
        closes.forEach((code, count) -> out.append("parley_closes_total{code=\"")
                .append(code)
                .append("\",reason=\"")
                .append(reason(code))
                .append("\"} ")
                .append(count)
                .append('\n'));
        if (metrics.clusterState().clustered()) {
            cluster(out);
        }
        metrics.storeLatency()
                .writeTo(
                        out, "parley_store_seconds", "time to store one message: room counter lock, insert and commit");
        metrics.fanOutLatency()
                .writeTo(
                        out,
                        "parley_fanout_seconds",
                        "time to enqueue one stored message to every member connection of its room");
        jvm(out);
        return out.toString();
    }

    /** This node's share of the cluster (cluster mode only): every figure is per node. */
    private void cluster(StringBuilder out) {
        gauge(
                out,
                "parley_cluster_bus_up",
                "1 while this node is subscribed to the cluster bus, else 0",
                metrics.clusterState() == ClusterState.BUS_UP ? 1 : 0);
        counter(
                out,
                "parley_cluster_published_total",
                "messages this node stored and published on the cluster bus",
                metrics.clusterPublished());
        counter(
                out,
                "parley_cluster_received_total",
                "messages other nodes stored that came to this node over the cluster bus",
                metrics.clusterReceived());
        counter(
                out,
                "parley_cluster_hints_dropped_total",
                "hints from the bus dropped because this node's intake queue was full (parley.cluster.max-queued-hints)",
                metrics.clusterHintsDropped());
        counter(
                out,
                "parley_cluster_gap_filled_total",
                "messages a room waited for and read from the database (parley.cluster.gap-fill-ms)",
                metrics.clusterGapFilled());
        counter(
                out,
                "parley_cluster_catch_ups_total",
                "comparisons of every room's latest seq in the database with what this node released",
                metrics.clusterCatchUps());
        counter(
                out,
                "parley_cluster_caught_up_total",
                "messages the periodic comparison with the database found (parley.cluster.catch-up-interval-ms)",
                metrics.clusterCaughtUp());
    }

    private static String reason(int code) {
        return Arrays.stream(Closing.values())
                .filter(closing -> closing.getCode() == code)
                .findFirst()
                .map(closing -> closing.name().toLowerCase(Locale.ROOT))
                .orElse("other");
    }

    private static void jvm(StringBuilder out) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        out.append("# HELP jvm_memory_used_bytes memory in use by area\n# TYPE jvm_memory_used_bytes gauge\n");
        out.append("jvm_memory_used_bytes{area=\"heap\"} ")
                .append(heap.getUsed())
                .append('\n');
        out.append("jvm_memory_used_bytes{area=\"nonheap\"} ")
                .append(nonHeap.getUsed())
                .append('\n');
        out.append("# HELP jvm_memory_committed_bytes memory committed by area\n"
                + "# TYPE jvm_memory_committed_bytes gauge\n");
        out.append("jvm_memory_committed_bytes{area=\"heap\"} ")
                .append(heap.getCommitted())
                .append('\n');
        out.append("jvm_memory_committed_bytes{area=\"nonheap\"} ")
                .append(nonHeap.getCommitted())
                .append('\n');
        gauge(out, "jvm_memory_max_bytes", "the heap's maximum size", heap.getMax());
        gauge(
                out,
                "jvm_threads_live",
                "live threads",
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
