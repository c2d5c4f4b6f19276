package dev.parley.testing;

import java.nio.file.Path;
import java.util.List;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;

/**
 * The Arquillian container for Payara Micro: one Micro for the whole test run. Payara's own managed adapter boots a
 * Micro per deployment, i.e. per test class, and Payara has no remote adapter for Micro. Micro takes its application
 * when it boots, so this one boots at the suite's start with the built {@code parley.war} (what every test class's
 * {@link Deployments#parley()} deploys: the real WAR) the way operators run it ({@link PayaraMicroProcess}:
 * {@code --deploy}, {@code --rootdir}, {@code --nocluster}), on {@code 8080 + parley.it.port-offset}; a deployment
 * then only tells the test where Parley is. Its console log is {@code <build dir>/arquillian-payara/console.log}.
 * Its file realm has the admin tests' users ({@link RealmUsers#addTo}).
 */
public final class PayaraMicroContainer implements DeployableContainer<PayaraMicroContainerConfiguration> {

    private PayaraMicroProcess micro;
    private List<String> settings = List.of();

    @Override
    public Class<PayaraMicroContainerConfiguration> getConfigurationClass() {
        return PayaraMicroContainerConfiguration.class;
    }

    @Override
    public void setup(PayaraMicroContainerConfiguration configuration) {
        settings = configuration.javaVmArgumentList();
    }

    @Override
    public void start() {
        micro = ServerProcess.laidOut(new PayaraMicroProcess(
                Path.of(ServerProcess.required("parley.it.build-dir")).resolve("arquillian-payara"),
                Integer.parseInt(System.getProperty("parley.it.port-offset", "0")),
                settings));
        RealmUsers.addTo(micro);
        micro.start();
    }

    @Override
    public void stop() {
        if (micro != null) {
            micro.stop();
        }
    }

    /** No protocol: the tests are black-box clients ({@code testable = false}). */
    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Local");
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        if (micro == null || !micro.isRunning()) {
            throw new DeploymentException("Payara Micro is not running");
        }
        HTTPContext parley =
                new HTTPContext(micro.httpUri().getHost(), micro.httpUri().getPort()).add(new Servlet("parley", "/"));
        return new ProtocolMetaData().addContext(parley);
    }

    /** Parley stays deployed for the next test class, as on the servers whose adapters redeploy it. */
    @Override
    public void undeploy(Archive<?> archive) {}
}
