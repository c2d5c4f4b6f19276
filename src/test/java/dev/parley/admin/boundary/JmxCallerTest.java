package dev.parley.admin.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.Map;
import java.util.Set;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class JmxCallerTest {

    public interface WhoMXBean {
        String getActor();
    }

    public static class Who implements WhoMXBean {
        @Override
        public String getActor() {
            return JmxCaller.actor();
        }
    }

    @Test
    void aCallThroughTheJdksAuthenticatedConnectorIsAuditedAsItsUser() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.parley.test:type=Who");
        server.registerMBean(new Who(), name);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        RMIServerSocketFactory onLoopback = port -> new ServerSocket(port, 50, loopback);
        int registryPort;
        try (ServerSocket free = new ServerSocket(0, 1, loopback)) {
            registryPort = free.getLocalPort();
        }
        Registry registry = LocateRegistry.createRegistry(registryPort, null, onLoopback);
        JMXAuthenticator authenticator = credentials -> {
            String[] pair = (String[]) credentials;
            if (!"secret".equals(pair[1])) {
                throw new SecurityException("wrong password");
            }
            return new Subject(true, Set.of(new JMXPrincipal(pair[0])), Set.of(), Set.of());
        };
        JMXServiceURL url =
                new JMXServiceURL("service:jmx:rmi://127.0.0.1/jndi/rmi://127.0.0.1:" + registryPort + "/jmxrmi");
        JMXConnectorServer connectorServer = JMXConnectorServerFactory.newJMXConnectorServer(
                url,
                Map.of(
                        JMXConnectorServer.AUTHENTICATOR, authenticator,
                        RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, onLoopback),
                server);
        connectorServer.start();
        try (JMXConnector client =
                JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"ops", "secret"}))) {
            WhoMXBean who = JMX.newMXBeanProxy(client.getMBeanServerConnection(), name, WhoMXBean.class);
            assertEquals("jmx:ops", who.getActor());
        } finally {
            connectorServer.stop();
            UnicastRemoteObject.unexportObject(registry, true);
            server.unregisterMBean(name);
        }
    }

    @Test
    void aCallWithoutASubjectIsJmx() {
        assertEquals("jmx", JmxCaller.actor());
        assertEquals("jmx", JmxCaller.actor(new Subject()));
    }

    @Test
    void aLongNameIsCut() {
        String name = "o".repeat(300);
        Subject subject = new Subject(true, Set.of(new JMXPrincipal(name)), Set.of(), Set.of());
        assertEquals("jmx:" + "o".repeat(JmxCaller.MAX_NAME_CHARS), JmxCaller.actor(subject));
    }
}
