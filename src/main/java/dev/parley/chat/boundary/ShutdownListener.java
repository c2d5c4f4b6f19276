package dev.parley.chat.boundary;

import dev.parley.chat.control.Shutdown;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * The web module ending (shutdown, undeploy) is the first moment every server tells an application portably: the
 * chat connections are closed cleanly from here, before the container tears down the beans and the database.
 */
@WebListener
public class ShutdownListener implements ServletContextListener {

    @Inject
    Shutdown shutdown;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        shutdown.closeEveryConnection();
    }
}
