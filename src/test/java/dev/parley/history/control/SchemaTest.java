package dev.parley.history.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SchemaTest {

    @Test
    void aDatabaseUnderTheTempDirectoryIsTemporary() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));

        assertTrue(Schema.isTemporary(
                temp.resolve("payaramicro-rt123/data/parley/parley.mv.db").toString()));
        assertTrue(Schema.isTemporary(temp.resolve("a/../b/parley.mv.db").toString()));
    }

    @Test
    void aDatabaseElsewhereIsNot() {
        assertFalse(Schema.isTemporary("/opt/wildfly/standalone/data/parley/parley.mv.db"));
        assertFalse(Schema.isTemporary("/var/lib/parley/data/parley/parley.mv.db"));
    }
}
