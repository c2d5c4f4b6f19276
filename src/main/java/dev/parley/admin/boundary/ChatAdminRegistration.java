package dev.parley.admin.boundary;

import dev.parley.admin.control.Administration;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers {@code dev.parley:type=ChatAdmin} in the platform MBean server while Parley runs, and unregisters it
 * when Parley stops: a redeploy would otherwise fail with {@link InstanceAlreadyExistsException}.
 */
@Singleton
@Startup
@DependsOn("Administration")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ChatAdminRegistration {

    public static final String NAME = "dev.parley:type=ChatAdmin";
    private static final Logger LOG = Logger.getLogger(ChatAdminRegistration.class.getName());

    @Inject
    Administration administration;

    private ObjectName name;

    @PostConstruct
    void register() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            name = new ObjectName(NAME);
            if (server.isRegistered(name)) {
                // a previous deployment that did not stop cleanly (e.g. a failed undeploy): this one takes over
                server.unregisterMBean(name);
            }
            server.registerMBean(new ChatAdmin(administration), name);
            LOG.info(() -> "Parley's MXBean " + NAME + " is registered");
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + NAME, e);
        }
    }

    @PreDestroy
    void unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            LOG.fine(() -> NAME + " was already unregistered");
        } catch (JMException e) {
            LOG.log(Level.WARNING, "cannot unregister " + NAME, e);
        }
    }
}
