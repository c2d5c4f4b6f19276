package dev.parley.chat.boundary;

import dev.parley.chat.control.ChatFixture;
import org.glassfish.tyrus.core.ComponentProvider;

/**
 * Builds {@link ChatEndpoint} in the embedded Tyrus server the way CDI does on an application server: with its
 * collaborators set, here from the running test's {@link ChatFixture}.
 */
public class ChatEndpointProvider extends ComponentProvider {

    static volatile ChatFixture fixture;

    @Override
    public boolean isApplicable(Class<?> type) {
        return type == ChatEndpoint.class;
    }

    @Override
    public <T> Object create(Class<T> type) {
        ChatServices services = new ChatServices();
        services.rooms = fixture.rooms;
        services.users = fixture.users;
        services.moderation = fixture.moderation;
        services.executor = fixture.closer;
        services.gate = fixture.gate;
        services.liveness = fixture.liveness;
        services.metrics = fixture.metrics;
        services.budget = fixture.budget;
        services.origins = fixture.origins;
        services.writers = fixture.writers;
        services.memberships = fixture.memberships;
        services.conversations = fixture.conversations;
        ChatEndpoint endpoint = new ChatEndpoint();
        endpoint.services = services;
        return endpoint;
    }

    @Override
    public boolean destroy(Object instance) {
        return instance instanceof ChatEndpoint;
    }
}
