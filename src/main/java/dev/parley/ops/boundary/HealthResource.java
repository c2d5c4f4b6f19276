package dev.parley.ops.boundary;

import dev.parley.metrics.ClusterState;
import dev.parley.metrics.Metrics;
import dev.parley.ops.control.DatabaseWatch;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/health}: 200 {@code {"status":"up","database":"up"}} when the database answered Parley's latest
 * question through its own persistence unit, else 503 with {@code "database":"down"}, so a load balancer takes the
 * instance out. It answers at once from {@link DatabaseWatch}, which asks on its own schedule. In cluster mode it
 * also says {@code "cluster":"up"}, or {@code "degraded"} while this node's cluster bus is down.
 */
@Path("health")
@RequestScoped
public class HealthResource {

    @Inject
    DatabaseWatch database;

    @Inject
    Metrics metrics;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        JsonObject report = report(System.nanoTime());
        boolean up = "up".equals(report.getString("status"));
        return Response.status(up ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(report)
                .build();
    }

    JsonObject report(long now) {
        DatabaseWatch.Observation seen = database.latest(now);
        long checkedMillisAgo = TimeUnit.NANOSECONDS.toMillis(now - seen.at());
        JsonObjectBuilder report = seen.answered()
                ? Json.createObjectBuilder()
                        .add("status", "up")
                        .add("database", "up")
                        .add("rooms", seen.rooms())
                : Json.createObjectBuilder().add("status", "down").add("database", "down");
        // cluster mode: without its bus a node still posts and delivers (other nodes' messages through the database),
        // so it stays in the load balancer; what needs the bus says so itself
        ClusterState cluster = metrics.clusterState();
        if (cluster.clustered()) {
            report.add("cluster", cluster == ClusterState.BUS_UP ? "up" : "degraded");
        }
        return report.add("checkedMillisAgo", checkedMillisAgo).build();
    }
}
