package dev.parley.testing;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Registers {@link PayaraMicroContainer} when the tests run on Payara Micro ({@code parley.it.server=payara-micro});
 * on the other servers their adapter is the only container.
 */
public final class PayaraMicroExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if ("payara-micro".equals(System.getProperty("parley.it.server"))) {
            builder.service(DeployableContainer.class, PayaraMicroContainer.class);
        }
    }
}
