package dev.parley.testing;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of the black-box integration tests on the profile's server: Arquillian deploys the built WAR
 * ({@link Deployments#parley()}) and the tests talk to it from outside as clients, at {@link #base}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public abstract class DeployedParley {

    /** Where Parley answers, e.g. {@code http://127.0.0.1:8080/}. */
    @ArquillianResource
    protected URL base;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return Deployments.parley();
    }
}
