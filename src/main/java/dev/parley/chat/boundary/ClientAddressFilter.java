package dev.parley.chat.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Tells the handshake configurator the TCP peer's address, which the WebSocket API's {@code HandshakeRequest}
 * does not carry. WildFly, Open Liberty and Payara run the servlet filters mapped to {@code /chat} before the
 * upgrade, on the thread that then calls {@code modifyHandshake}: the address waits there in a thread-local for
 * the length of the request. Declared in {@code web.xml} so that it comes before any filter the container adds.
 */
public class ClientAddressFilter extends HttpFilter {

    private static final ThreadLocal<String> PEER = new ThreadLocal<>();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        PEER.set(request.getRemoteAddr());
        try {
            chain.doFilter(request, response);
        } finally {
            PEER.remove();
        }
    }

    /** The peer of the request this thread is handling, or null outside the filter. */
    static String peer() {
        return PEER.get();
    }
}
