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
        ChatEndpoint endpoint = new ChatEndpoint();
        endpoint.rooms = fixture.rooms;
        endpoint.users = fixture.users;
        endpoint.moderation = fixture.moderation;
        endpoint.executor = fixture.closer;
        endpoint.gate = fixture.gate;
        endpoint.liveness = fixture.liveness;
        endpoint.metrics = fixture.metrics;
        endpoint.budget = fixture.budget;
        endpoint.origins = fixture.origins;
        endpoint.writers = fixture.writers;
        endpoint.memberships = fixture.memberships;

        return endpoint;
    }

    @Override
    public boolean destroy(Object instance) {
        return instance instanceof ChatEndpoint;
    }
}
