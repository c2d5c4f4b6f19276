package dev.parley.ops.boundary;

import dev.parley.ops.control.DatabaseWatch;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Stops the database watch when the web module ends, before the container closes the database under it: a new
 * connection opened while the embedded H2 closes (and compacts) its file can reopen that file beside the closing
 * one. The bean's own end comes later on some servers (WildFly stops the persistence unit and the data source first).
 */
@WebListener
public class DatabaseWatchListener implements ServletContextListener {

    @Inject
    DatabaseWatch watch;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        watch.stop();
    }
}
