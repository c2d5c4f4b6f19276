package dev.parley.ops.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.ops.control.DatabaseProbe;
import jakarta.json.JsonObject;
import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

/** The 503 itself is one line in {@link HealthResource#health}; the report decides it. */
class HealthResourceTest {

    HealthResource cut = new HealthResource();

    @Test
    void aDatabaseThatFailsTheQueryMakesTheServiceUnavailable() {
        cut.database = new DatabaseProbe() {
            @Override
            public long rooms() {
                throw new PersistenceException("connection refused");
            }
        };

        JsonObject report = cut.report();

        assertEquals("down", report.getString("status"));
        assertEquals("down", report.getString("database"));
    }

    @Test
    void aDatabaseThatAnswersIsUp() {
        cut.database = new DatabaseProbe() {
            @Override
            public long rooms() {
                return 3;
            }
        };

        JsonObject report = cut.report();

        assertEquals("up", report.getString("status"));
        assertEquals("up", report.getString("database"));
        assertEquals(3, report.getInt("rooms"));
    }
}
