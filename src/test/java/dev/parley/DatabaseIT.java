package dev.parley;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.DeployedParley;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Arquillian server stores in the database its profile set up, as its startup log says; every server profile
 * names that log ({@code parley.it.server-log}).
 */
class DatabaseIT extends DeployedParley {

    /** The profile says which database the server must use ({@code parley.it.database}); its startup log names it. */
    @Test
    void theServerStoresInTheDatabaseTheProfileConfigured() throws IOException {
        String log = System.getProperty("parley.it.server-log");
        assertNotNull(log, "the profile names no server log (parley.it.server-log)");
        String database = System.getProperty("parley.it.database", "H2");
        List<String> named = Files.readAllLines(Path.of(log)).stream()
                .filter(line -> line.contains("Parley database: "))
                .toList();
        assertFalse(named.isEmpty(), "no startup line names Parley's database in " + log);
        assertTrue(named.get(named.size() - 1).contains(" is " + database + " "), named.get(named.size() - 1));
    }
}
