package dev.parley.chat.boundary;

import dev.parley.chat.control.Shutdown;
import jakarta.inject.Inject;
import jakarta.servlet.GenericServlet;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The web module ending (undeploy, shutdown), heard as early as a server tells an application portably: a servlet
 * is destroyed before the filters and before any {@code ServletContextListener} hears of it. On Payara that is
 * before Tyrus's upgrade filter is destroyed, which drops every open WebSocket without a close frame (1006): from
 * a listener, Parley's 1001 would come too late. Serves nothing: web.xml declares it without a mapping and loads it
 * at startup, so that it exists to be destroyed.
 */
public class ShutdownServlet extends GenericServlet {

    @Inject
    Shutdown shutdown;

    @Override
    public void service(ServletRequest request, ServletResponse response) throws IOException {
        ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND);
    }

    @Override
    public void destroy() {
        shutdown.closeEveryConnection();
    }
}
