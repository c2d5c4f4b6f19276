package dev.parley.ops.boundary;

import dev.parley.ops.control.DatabaseProbe;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /api/health}: 200 {@code {"status":"up","database":"up"}} when the database answers a query through
 * Parley's own persistence unit, else 503 with {@code "database":"down"}, so a load balancer takes the instance out.
 */
@Path("health")
@RequestScoped
public class HealthResource {

    private static final Logger LOG = Logger.getLogger(HealthResource.class.getName());

    @Inject
    DatabaseProbe database;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        JsonObject report = report();
        boolean up = "up".equals(report.getString("status"));
        return Response.status(up ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(report)
                .build();
    }

    JsonObject report() {
        try {
            long rooms = database.rooms();
            return Json.createObjectBuilder()
                    .add("status", "up")
                    .add("database", "up")
                    .add("rooms", rooms)
                    .build();
        } catch (RuntimeException unreachable) {
            LOG.log(Level.WARNING, "health: the database did not answer", unreachable);
            return Json.createObjectBuilder()
                    .add("status", "down")
                    .add("database", "down")
                    .build();
        }
    }
}
