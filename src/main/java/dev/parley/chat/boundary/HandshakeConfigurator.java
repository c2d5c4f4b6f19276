package dev.parley.chat.boundary;

import dev.parley.chat.entity.Handshake;
import jakarta.servlet.http.HttpSession;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Captures who is connecting. Every handshake is accepted here (the origin check passes too): a refusal must
 * reach the client as an {@code error} event and a close code after the upgrade, because a browser cannot read
 * the HTTP status of a failed handshake. The user properties are per connection since WebSocket 2.1.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    /** User property: the id of the HTTP session an authenticated user's login lives in (see {@link LoginSessions}). */
    static final String LOGIN_SESSION = "dev.parley.login-session";
    /** User property: that HTTP session itself, which an open chat keeps from timing out. */
    static final String LOGIN = "dev.parley.login";
    /** Every user property put here, which the endpoint takes out again once open. */
    static final Set<String> KEYS = Set.of(Handshake.KEY, LOGIN_SESSION, LOGIN);

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Principal principal = request.getUserPrincipal();
        if (principal != null && request.getHttpSession() instanceof HttpSession login) {
            config.getUserProperties().put(LOGIN_SESSION, login.getId());
            config.getUserProperties().put(LOGIN, login);
        }
        Map<String, List<String>> parameters = request.getParameterMap();
        config.getUserProperties()
                .put(
                        Handshake.KEY,
                        new Handshake(
                                principal == null ? null : principal.getName(),
                                first(parameters, "name"),
                                first(parameters, "resume"),
                                header(request, "Origin"),
                                header(request, "Host"),
                                ClientAddressFilter.peer(),
                                allValues(request, "X-Forwarded-For"),
                                "1".equals(first(parameters, "batch")),
                                "1".equals(first(parameters, "membership"))));
    }

    private static String first(Map<String, List<String>> values, String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /** Every value of a header that may repeat, joined with commas as one list, or null when absent. */
    private static String allValues(HandshakeRequest request, String name) {
        StringJoiner values = null;
        for (Map.Entry<String, List<String>> entry : request.getHeaders().entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && entry.getValue() != null) {
                for (String value : entry.getValue()) {
                    values = values == null ? new StringJoiner(",") : values;
                    values.add(value);
                }
            }
        }
        return values == null ? null : values.toString();
    }

    /**
     * Header names are case-insensitive, and containers differ in the case of the map's keys. Loops, not streams:
     * three look-ups per handshake (issue #15).
     */
    private static String header(HandshakeRequest request, String name) {
        for (Map.Entry<String, List<String>> entry : request.getHeaders().entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue() == null || entry.getValue().isEmpty()
                        ? null
                        : entry.getValue().get(0);
            }
        }
        return null;
    }
}
