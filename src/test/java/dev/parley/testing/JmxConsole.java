package dev.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A JMX client as JConsole on WildFly is one ({@code bin/jconsole.sh}): {@code service:jmx:remote+http://HOST:9990}
 * with a management user, the protocol from WildFly's own {@code bin/client/jboss-cli-client.jar}. That jar is loaded
 * in a class loader of its own, so it cannot clash with the test's classpath; nothing of Parley's is on it, as in a
 * real console: only open types come back.
 */
public final class JmxConsole implements AutoCloseable {

    private final URLClassLoader protocol;
    private final JMXConnector connector;

    private JmxConsole(URLClassLoader protocol, JMXConnector connector) {
        this.protocol = protocol;
        this.connector = connector;
    }

    /** Connects to the WildFly under {@code jboss.home} at management port 9990 + {@code portOffset}. */
    public static JmxConsole wildFly(int portOffset, String user, String password) {
        Path jar = Path.of(ServerProcess.required("jboss.home"), "bin", "client", "jboss-cli-client.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing");
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            JMXServiceURL url = new JMXServiceURL("service:jmx:remote+http://127.0.0.1:" + (9990 + portOffset));
            JMXConnector connector = JMXConnectorFactory.connect(
                    url,
                    Map.of(
                            JMXConnector.CREDENTIALS,
                            new String[] {user, password},
                            JMXConnectorFactory.PROTOCOL_PROVIDER_CLASS_LOADER,
                            loader));
            return new JmxConsole(loader, connector);
        } catch (IOException e) {
            closeQuietly(loader);
            throw new UncheckedIOException("cannot connect JMX to WildFly", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public MBeanServerConnection connection() {
        try {
            return connector.getMBeanServerConnection();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Object attribute(String objectName, String attribute) {
        try {
            return connection().getAttribute(new ObjectName(objectName), attribute);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JMException e) {
            throw new IllegalStateException("cannot read " + objectName + " " + attribute, e);
        }
    }

    /** Invokes an operation; {@code signature} holds the parameter types' class names, as JConsole sends them. */
    public Object invoke(String objectName, String operation, Object[] parameters, String[] signature)
            throws Exception {
        return connection().invoke(new ObjectName(objectName), operation, parameters, signature);
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException ignored) {
            // the server may already be gone
        } finally {
            closeQuietly(protocol);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing held that matters
        }
    }
}
