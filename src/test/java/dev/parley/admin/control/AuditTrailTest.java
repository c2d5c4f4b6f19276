package dev.parley.admin.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class AuditTrailTest {

    @Test
    void theLogLineIsOneJsonObjectWhateverTheReasonHolds() {
        String line = AuditTrail.line(0, "ops", "ban", "user:mallory", "spam \"quoted\"\nnext line");

        assertFalse(line.contains("\n"), "one line");
        JsonObject json = Json.createReader(new StringReader(line)).readObject();
        assertEquals("1970-01-01T00:00:00Z", json.getString("at"));
        assertEquals("ops", json.getString("actor"));
        assertEquals("ban", json.getString("action"));
        assertEquals("user:mallory", json.getString("target"));
        assertEquals("spam \"quoted\"\nnext line", json.getString("reason"));
    }

    @Test
    void absentTargetAndReasonAreLeftOut() {
        JsonObject json = Json.createReader(new StringReader(AuditTrail.line(0, "jmx", "announce", null, null)))
                .readObject();
        assertFalse(json.containsKey("target"));
        assertFalse(json.containsKey("reason"));
    }
}
