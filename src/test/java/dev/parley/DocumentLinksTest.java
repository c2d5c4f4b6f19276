package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README and the documents link to each other by relative paths and anchors: none may dangle after a move. */
class DocumentLinksTest {

    static final Pattern LINK = Pattern.compile("\\]\\(([^)#:]*)(?:#([^)]*))?\\)");

    @Test
    void everyRelativeLinkReachesAFileAndItsHeading() throws IOException {
        List<Path> documents;
        try (Stream<Path> site = Files.list(Path.of("src/site/markdown"))) {
            documents = Stream.concat(Stream.of(Path.of("README.md"), Path.of("bench/README.md")), site)
                    .filter(path -> path.toString().endsWith(".md"))
                    .toList();
        }
        List<String> dangling = documents.stream()
                .flatMap(document -> LINK.matcher(read(document)).results().flatMap(link -> {
                    Path target = link.group(1).isEmpty()
                            ? document
                            : document.resolveSibling(link.group(1)).normalize();
                    String where = document + " -> " + link.group();
                    if (!Files.exists(target)) {
                        return Stream.of(where);
                    }
                    String anchor = link.group(2);
                    return anchor == null || anchors(target).contains(anchor) ? Stream.empty() : Stream.of(where);
                }))
                .toList();
        assertEquals(List.of(), dangling);
    }

    /** GitHub's anchors: the heading in lower case, spaces to dashes, punctuation other than dashes dropped. */
    static List<String> anchors(Path markdown) {
        if (Files.isDirectory(markdown) || !markdown.toString().endsWith(".md")) {
            return List.of();
        }
        return read(markdown)
                .lines()
                .filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "")
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "")
                        .replace(' ', '-'))
                .toList();
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
