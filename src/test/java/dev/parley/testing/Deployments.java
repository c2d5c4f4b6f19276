package dev.parley.testing;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Integration tests deploy the WAR the build produced, not a hand-listed archive: what they test is what ships.
 * Use it with {@code @Deployment(testable = false)} and black-box clients.
 */
public final class Deployments {

    private Deployments() {}

    public static WebArchive parley() {
        File war = warFile();
        return ShrinkWrap.create(ZipImporter.class, "parley.war")
                .importFrom(war)
                .as(WebArchive.class);
    }

    /** The built WAR: the {@code parley.war} system property (set by failsafe), else {@code target/parley.war}. */
    public static File warFile() {
        File war = new File(System.getProperty("parley.war", "target/parley.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war.getAbsolutePath() + " does not exist: run the tests with mvn verify");
        }
        return war;
    }
}
