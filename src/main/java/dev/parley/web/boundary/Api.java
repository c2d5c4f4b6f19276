package dev.parley.web.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Every Jakarta REST resource of Parley lives under {@code /api} (not the root: it would shadow Payara's own). */
@ApplicationPath("/api")
public class Api extends Application {
}
