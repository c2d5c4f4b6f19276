package dev.parley.web.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Parley's Jakarta REST resources (admin, health, metrics) live under {@code /api}, not the root: Payara serves its
 * own /health and /metrics there. */
@ApplicationPath("/api")
public class Api extends Application {}
