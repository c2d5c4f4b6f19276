package dev.parley.chat.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.websocket.server.HandshakeRequest;

import java.io.IOException;

/**
 * The client's IP address for a ban by address. Jakarta WebSocket does not expose it in the handshake; the one
 * portable carrier from the servlet request to the handshake is the HTTP session, so this filter puts the address
 * there for upgrade requests to {@code /chat} and {@link HandshakeConfigurator} reads it back. Where a container
 * upgrades before application filters run, the address stays unknown and only bans by name apply.
 */
@WebFilter(urlPatterns = "/chat", asyncSupported = true)
public class RemoteAddress extends HttpFilter {

    public static final String KEY = "dev.parley.remote-address";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            request.getSession(true).setAttribute(KEY, request.getRemoteAddr());
        }
        chain.doFilter(request, response);
    }

    static String of(HandshakeRequest request) {
        return request.getHttpSession() instanceof HttpSession session
                ? (String) session.getAttribute(KEY) : null;
    }
}
