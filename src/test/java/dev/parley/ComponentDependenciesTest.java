package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The components' arrows run one way (design: "How a message travels"): read from the imports of the main sources,
 * so a new arrow that closes a cycle fails the build, not a review.
 */
class ComponentDependenciesTest {

    static final Path SOURCES = Path.of("src/main/java");
    static final Pattern PACKAGE =
            Pattern.compile("^package dev\\.parley\\.([a-z]+)((?:\\.[a-z]+)*);", Pattern.MULTILINE);
    static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?dev\\.parley\\.([a-z]+)((?:\\.[a-z]+)*)\\.[A-Z]", Pattern.MULTILINE);

    /** package of the importing file -> packages it imports, e.g. "chat.control" -> {"chat.entity", ...}. */
    static final Map<String, Set<String>> IMPORTS = readImports();

    @Test
    void noCycleBetweenComponents() {
        Map<String, Set<String>> components = new TreeMap<>();
        IMPORTS.forEach((from, targets) -> targets.forEach(to -> {
            if (!component(from).equals(component(to))) {
                components
                        .computeIfAbsent(component(from), c -> new TreeSet<>())
                        .add(component(to));
            }
        }));
        assertEquals(List.of(), cycles(components));
    }

    @Test
    void historyKnowsOnlyTheNounsOfChat() {
        assertEquals(Set.of(), importsInto("history", "chat.control", "chat.boundary"));
    }

    @Test
    void nothingImportsAdministration() {
        Set<String> found = new TreeSet<>();
        IMPORTS.forEach((from, targets) -> {
            if (!component(from).equals("admin")) {
                targets.stream()
                        .filter(to -> component(to).equals("admin"))
                        .forEach(to -> found.add(from + " -> " + to));
            }
        });
        assertEquals(Set.of(), found);
    }

    @Test
    void metricsAndSettingsImportNothingElseOfParley() {
        assertEquals(Set.of(), importsOutside("metrics"));
        assertEquals(Set.of(), importsOutside("settings"));
    }

    static Set<String> importsInto(String component, String... forbidden) {
        Set<String> found = new TreeSet<>();
        IMPORTS.forEach((from, targets) -> {
            if (component(from).equals(component)) {
                targets.stream()
                        .filter(to -> Stream.of(forbidden).anyMatch(to::equals))
                        .forEach(to -> found.add(from + " -> " + to));
            }
        });
        return found;
    }

    static Set<String> importsOutside(String component) {
        Set<String> found = new TreeSet<>();
        IMPORTS.forEach((from, targets) -> {
            if (component(from).equals(component)) {
                targets.stream()
                        .filter(to -> !component(to).equals(component))
                        .forEach(to -> found.add(from + " -> " + to));
            }
        });
        return found;
    }

    static String component(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    /** Every cycle as "a -> b -> a", found by a depth-first walk from each component. */
    static List<String> cycles(Map<String, Set<String>> graph) {
        Set<String> found = new TreeSet<>();
        for (String start : graph.keySet()) {
            walk(graph, start, new ArrayList<>(List.of(start)), found);
        }
        return List.copyOf(found);
    }

    private static void walk(Map<String, Set<String>> graph, String at, List<String> path, Set<String> found) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(path.get(0))) {
                found.add(String.join(" -> ", path) + " -> " + next);
            } else if (!path.contains(next) && next.compareTo(path.get(0)) > 0) {
                path.add(next);
                walk(graph, next, path, found);
                path.remove(path.size() - 1);
            }
        }
    }

    static Map<String, Set<String>> readImports() {
        Map<String, Set<String>> imports = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file :
                    files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(source);
                if (!pkg.find()) {
                    continue;
                }
                String from = pkg.group(1) + pkg.group(2);
                Set<String> targets = imports.computeIfAbsent(from, p -> new TreeSet<>());
                Matcher imported = IMPORT.matcher(source);
                while (imported.find()) {
                    targets.add(imported.group(1) + imported.group(2));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return imports;
    }
}
