package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.Singleton;
import jakarta.ejb.Stateless;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Payara's EJB container finds a session bean's {@code @PostConstruct} and {@code @PreDestroy} methods by name: with
 * an overload of the same name it may call the wrong one ("wrong number of arguments"), on some starts and not on
 * others (Payara Micro 6.2025.10, seen when Cluster had {@code start()} and {@code start(settings, …)}).
 */
class LifecycleMethodsTest {

    static final Path CLASSES = Path.of("target/classes");

    @Test
    void noSessionBeanOverloadsTheNameOfALifecycleMethod() throws IOException {
        List<String> overloaded;
        try (Stream<Path> files = Files.walk(CLASSES)) {
            overloaded = files.filter(file -> file.toString().endsWith(".class"))
                    .map(LifecycleMethodsTest::load)
                    .filter(type ->
                            type.isAnnotationPresent(Singleton.class) || type.isAnnotationPresent(Stateless.class))
                    .flatMap(type -> Arrays.stream(type.getDeclaredMethods())
                            .filter(method -> method.isAnnotationPresent(PostConstruct.class)
                                    || method.isAnnotationPresent(PreDestroy.class))
                            .filter(method -> Arrays.stream(type.getDeclaredMethods())
                                            .filter(other -> other.getName().equals(method.getName()))
                                            .count()
                                    > 1)
                            .map(method -> type.getSimpleName() + "." + method.getName()))
                    .toList();
        }
        assertEquals(List.of(), overloaded);
    }

    private static Class<?> load(Path file) {
        String name = CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        try {
            return Class.forName(name, false, LifecycleMethodsTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
