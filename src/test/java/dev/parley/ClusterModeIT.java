package dev.parley;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.ServerProcess;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode on the embedded H2 is refused at deployment, naming PostgreSQL: each node would have a database of its
 * own, and the nodes would hand out the same seqs.
 */
class ClusterModeIT {

    @Test
    void clusterModeOnTheEmbeddedDatabaseIsRefusedAtDeployment() {
        try (ServerProcess server =
                ServerProcess.prepare("cluster-on-h2", "-Dparley.cluster.redis-url=redis://127.0.0.1:1")) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, server::start);

            assertTrue(refused.getMessage().contains("failed to deploy"), refused.getMessage());
            assertTrue(
                    server.consoleOutput().contains("needs one PostgreSQL database that every node shares"),
                    "the log does not say why");
            // WildFly 39 with a deployment that failed at boot stops only after a minute (it hangs at "Host
            // default-host stopping"): what a stop does is not this test's subject
            server.kill();
        }
    }
}
