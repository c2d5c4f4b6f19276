package dev.parley.web.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Parley's Jakarta REST resources live under {@code /api} (not the root: Payara serves its own /health there). */
@ApplicationPath("/api")
public class Api extends Application {
}
