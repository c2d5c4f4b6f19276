package dev.parley.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.admin.control.AdminSettings;
import dev.parley.chat.control.ChatLimits;
import dev.parley.chat.control.ConnectionLimits;
import dev.parley.chat.control.HistoryLimits;
import dev.parley.chat.control.MembershipSettings;
import dev.parley.chat.entity.FileSettings;
import dev.parley.chat.entity.MentionSettings;
import dev.parley.cluster.control.ClusterSettings;
import dev.parley.history.control.StoreSettings;
import dev.parley.ops.control.HealthSettings;
import dev.parley.web.control.LoginSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The settings document must list every setting Parley reads, with the default the code uses. */
class SettingsDocumentTest {

    static final Path DOCUMENT = Path.of("src/site/markdown/settings.md");
    /** The other section lists what the servers read from their own configuration. */
    static final String PARLEYS_SECTION = "## Parley's settings";

    static final Pattern DOCUMENTED_ROW = Pattern.compile("^\\| `(parley\\.[a-z0-9.-]+)` \\| ([^|]+) \\|");
    static final Pattern NAME_IN_CODE = Pattern.compile("\"(parley\\.[a-z0-9.-]+)\"");
    /** Defaults the document words for a person, keyed by those words. */
    static final Map<String, String> WORDED = Map.of(
            "(none)", "", "one per core", String.valueOf(Runtime.getRuntime().availableProcessors()));

    @Test
    void everySettingTheCodeReadsIsDocumentedWithItsDefault() {
        assertEquals(defaultsInCode(), documentedDefaults());
    }

    @Test
    void everySettingNamedInTheCodeIsReadThroughTheSettingsRecords() {
        assertEquals(namesInCode(), defaultsInCode().keySet());
    }

    static Map<String, String> defaultsInCode() {
        Map<String, String> defaults = new TreeMap<>();
        Settings unset = Settings.unsetReportingTo((name, fallback) -> defaults.put(name, shown(fallback)));
        ChatLimits.from(unset);
        ConnectionLimits.from(unset);
        HistoryLimits.from(unset);
        MembershipSettings.from(unset);
        MentionSettings.from(unset);
        FileSettings.from(unset);
        StoreSettings.from(unset);
        AdminSettings.from(unset);
        HealthSettings.from(unset);
        LoginSettings.from(unset);
        ClusterSettings.from(unset);
        return defaults;
    }

    static String shown(Object fallback) {
        return fallback instanceof Duration duration ? String.valueOf(duration.toMillis()) : String.valueOf(fallback);
    }

    static Map<String, String> documentedDefaults() {
        Map<String, String> documented = new TreeMap<>();
        boolean inParleysTable = false;
        for (String line : lines(DOCUMENT).toList()) {
            if (line.startsWith("## ")) {
                inParleysTable = line.equals(PARLEYS_SECTION);
            }
            Matcher row = DOCUMENTED_ROW.matcher(line);
            if (inParleysTable && row.find()) {
                String shown = row.group(2).trim();
                documented.put(row.group(1), WORDED.getOrDefault(shown, shown.replace("`", "")));
            }
        }
        return documented;
    }

    static TreeSet<String> namesInCode() {
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            sources.filter(path -> path.toString().endsWith(".java"))
                    .flatMap(SettingsDocumentTest::lines)
                    .forEach(line -> NAME_IN_CODE.matcher(line).results().forEach(name -> names.add(name.group(1))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    static Stream<String> lines(Path path) {
        try {
            return Files.readAllLines(path).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
