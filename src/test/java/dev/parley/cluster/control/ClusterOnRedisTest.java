package dev.parley.cluster.control;

import static dev.parley.cluster.control.ClusterTest.eventually;

import dev.parley.chat.control.ArchiveDouble;
import dev.parley.cluster.control.ClusterTest.Busy;
import dev.parley.cluster.control.ClusterTest.Node;
import dev.parley.metrics.ClusterState;
import dev.parley.settings.Settings;
import dev.parley.testing.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster's middle tier: two nodes in one JVM, wired as the container wires them, on a real Redis (the
 * embedded-redis binary, Lettuce's own threads) and one shared database (the archive double; the real PostgreSQL is
 * {@code ClusterIT}'s). What Redis loses while it is killed and started again comes from the database, through each
 * room's sequencer, which alone keeps the order: every member on both nodes sees 1..N once, in order.
 */
class ClusterOnRedisTest {

    /** Redis gone or back, as each node's bus sees it: generous for a loaded 2-core machine (reconnects wait 2 s). */
    static final Duration REDIS = Duration.ofSeconds(20);

    final ArchiveDouble database = new ArchiveDouble();
    final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void writersOnBothNodesWhileRedisIsKilledAndRestartedGiveEveryMemberTheSameOrder() throws Exception {
        RedisProcess redis = RedisProcess.started();
        running.add(redis);
        Map<String, String> settings = new HashMap<>(ClusterTest.QUICK_CATCH_UP);
        settings.put("parley.cluster.redis-url", redis.url());
        settings.put("parley.cluster.channel", "parley-cluster-test");
        Node a = node(settings);
        Node b = node(settings);
        Busy busy = Busy.on(a, b);

        busy.post(30, posted -> {
            if (posted == 10) {
                redis.kill();
                eventually(
                        REDIS,
                        () -> a.chat.metrics.clusterState() == ClusterState.BUS_DOWN,
                        "node a knows Redis is gone");
            } else if (posted == 20) {
                redis.start();
            }
        });

        busy.everyReaderSawAll(database);
        eventually(
                REDIS,
                () -> a.chat.metrics.clusterState() == ClusterState.BUS_UP
                        && b.chat.metrics.clusterState() == ClusterState.BUS_UP,
                "both subscribed again");
    }

    private Node node(Map<String, String> settings) {
        ClusterSettings configured = ClusterSettings.from(Settings.of(settings));
        Node node = new Node(settings, database, threads -> new RedisBus(configured, threads));
        running.add(node);
        return node;
    }
}
