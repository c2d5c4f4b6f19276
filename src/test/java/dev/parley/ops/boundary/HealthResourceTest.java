package dev.parley.ops.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.parley.metrics.Metrics;
import dev.parley.ops.control.DatabaseProbe;
import dev.parley.ops.control.DatabaseWatchDouble;
import jakarta.json.JsonObject;
import jakarta.persistence.PersistenceException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The report decides the 503; the watch's latest answer decides the report, and a stale answer counts as none. */
class HealthResourceTest {

    HealthResource cut = new HealthResource();

    {
        cut.metrics = new Metrics();
    }

    @Test
    void aDatabaseThatFailsTheQueryMakesTheServiceUnavailable() {
        cut.database = DatabaseWatchDouble.asking(new DatabaseProbe() {
            @Override
            public long rooms(int timeoutMillis) {
                throw new PersistenceException("connection refused");
            }
        });

        JsonObject report = cut.report(System.nanoTime());

        assertEquals("down", report.getString("status"));
        assertEquals("down", report.getString("database"));
    }

    @Test
    void aDatabaseThatAnswersIsUp() {
        cut.database = DatabaseWatchDouble.asking(answering(3));

        JsonObject report = cut.report(System.nanoTime());

        assertEquals("up", report.getString("status"));
        assertEquals("up", report.getString("database"));
        assertEquals(3, report.getInt("rooms"));
        assertFalse(report.containsKey("cluster"), "one node says nothing of a cluster");
    }

    @Test
    void aClusterNodeWhoseBusIsDownIsDegradedButStaysUp() {
        cut.database = DatabaseWatchDouble.asking(answering(3));
        cut.metrics.clusterBus(false);

        JsonObject report = cut.report(System.nanoTime());

        assertEquals("up", report.getString("status"), "it still posts and delivers: the load balancer keeps it");
        assertEquals("degraded", report.getString("cluster"));
        cut.metrics.clusterBus(true);
        assertEquals("up", cut.report(System.nanoTime()).getString("cluster"));
    }

    @Test
    void anAnswerOlderThanIntervalPlusTimeoutMeansTheQuestionIsStuck() {
        cut.database = DatabaseWatchDouble.asking(answering(3));
        long later = System.nanoTime()
                + Duration.ofSeconds(1)
                        .plus(Duration.ofSeconds(2))
                        .plusMillis(1)
                        .toNanos();

        assertEquals("down", cut.report(later).getString("status"));
    }

    static DatabaseProbe answering(long rooms) {
        return new DatabaseProbe() {
            @Override
            public long rooms(int timeoutMillis) {
                return rooms;
            }
        };
    }
}
