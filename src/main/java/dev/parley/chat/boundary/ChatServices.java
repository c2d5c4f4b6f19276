package dev.parley.chat.boundary;

import dev.parley.chat.control.AllowedOrigins;
import dev.parley.chat.control.ConnectionGate;
import dev.parley.chat.control.Conversations;
import dev.parley.chat.control.FrameWriters;
import dev.parley.chat.control.Liveness;
import dev.parley.chat.control.Memberships;
import dev.parley.chat.control.Moderation;
import dev.parley.chat.control.OutboundBudget;
import dev.parley.chat.control.Rooms;
import dev.parley.chat.control.Users;
import dev.parley.metrics.Metrics;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executor;

/**
 * What every {@link ChatEndpoint} works with, injected and looked up once for the application. The container makes
 * an endpoint per connection through CDI: with these as its own injection points (and the executor's JNDI lookup)
 * WildFly's Weld spent more CPU building each endpoint than Parley spent on the rest of its handshake (issue #15);
 * one injection point of this bean costs one client proxy.
 */
@ApplicationScoped
public class ChatServices {

    @Inject
    Rooms rooms;

    @Inject
    Users users;

    @Inject
    ConnectionGate gate;

    @Inject
    Liveness liveness;

    @Inject
    Metrics metrics;

    @Inject
    Moderation moderation;

    @Inject
    OutboundBudget budget;

    @Inject
    AllowedOrigins origins;

    @Inject
    FrameWriters writers;

    @Inject
    Memberships memberships;

    @Inject
    Conversations conversations;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    Executor executor;

    public Rooms rooms() {
        return rooms;
    }

    public Users users() {
        return users;
    }

    public ConnectionGate gate() {
        return gate;
    }

    public Liveness liveness() {
        return liveness;
    }

    public Metrics metrics() {
        return metrics;
    }

    public Moderation moderation() {
        return moderation;
    }

    public OutboundBudget budget() {
        return budget;
    }

    public AllowedOrigins origins() {
        return origins;
    }

    public FrameWriters writers() {
        return writers;
    }

    public Memberships memberships() {
        return memberships;
    }

    public Conversations conversations() {
        return conversations;
    }

    public Executor executor() {
        return executor;
    }
}
