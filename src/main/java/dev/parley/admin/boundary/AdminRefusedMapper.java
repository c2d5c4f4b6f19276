package dev.parley.admin.boundary;

import dev.parley.admin.control.AdminRefused;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A refused admin request: 404 when there is nothing to act on, 409 while what it acts on is changing, 503 while the
 * cluster bus it needs is down, else 400; the reason as {@code {"error": …}}.
 */
@Provider
public class AdminRefusedMapper implements ExceptionMapper<AdminRefused> {

    @Override
    public Response toResponse(AdminRefused refused) {
        Response.Status status = switch (refused.why()) {
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case BUSY -> Response.Status.CONFLICT;
            case UNAVAILABLE -> Response.Status.SERVICE_UNAVAILABLE;
            case INVALID -> Response.Status.BAD_REQUEST;
        };
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(AdminResource.error(refused.getMessage()))
                .build();
    }
}
