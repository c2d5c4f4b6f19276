package dev.parley.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the browser tests leave their PNGs for a person to look at: {@code screenshots} under the build directory. */
public final class Screenshots {

    private Screenshots() {}

    public static Path directory() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("parley.it.build-dir", "target"), "screenshots"));
    }

    public static void save(String name, byte[] png) throws IOException {
        Files.write(directory().resolve(name), png);
    }
}
