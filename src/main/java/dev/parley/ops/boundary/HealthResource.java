package dev.parley.ops.boundary;

import dev.parley.ops.control.DatabaseWatch;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/health}: 200 {@code {"status":"up","database":"up"}} when the database answered Parley's latest
 * question through its own persistence unit, else 503 with {@code "database":"down"}, so a load balancer takes the
 * instance out. It answers at once from {@link DatabaseWatch}, which asks on its own schedule.
 */
@Path("health")
@RequestScoped
public class HealthResource {

    @Inject
    DatabaseWatch database;

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
        if (!seen.answered()) {
            return Json.createObjectBuilder()
                    .add("status", "down")
                    .add("database", "down")
                    .add("checkedMillisAgo", checkedMillisAgo)
                    .build();
        }
        return Json.createObjectBuilder()
                .add("status", "up")
                .add("database", "up")
                .add("rooms", seen.rooms())
                .add("checkedMillisAgo", checkedMillisAgo)
                .build();
    }
}
