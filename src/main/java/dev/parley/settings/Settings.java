package dev.parley.settings;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads {@code parley.*} settings: a Java system property first, then the environment variable
 * ({@code parley.rate.say-per-second} is {@code PARLEY_RATE_SAY_PER_SECOND}), then the default the caller gives.
 * A value that does not parse is a deployment error, not a silent default.
 */
public final class Settings {

    private final Function<String, String> source;
    private final BiConsumer<String, Object> reads;

    Settings(Function<String, String> source) {
        this(source, (name, fallback) -> {});
    }

    private Settings(Function<String, String> source, BiConsumer<String, Object> reads) {
        this.source = source;
        this.reads = reads;
    }

    public static Settings fromEnvironment() {
        return new Settings(name ->
                Optional.ofNullable(System.getProperty(name)).orElseGet(() -> System.getenv(environmentName(name))));
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values::get);
    }

    /**
     * Settings that are all unset and tell {@code reads} each name asked for with the default the caller gave: how
     * the settings document is checked against the code.
     */
    public static Settings unsetReportingTo(BiConsumer<String, Object> reads) {
        return new Settings(name -> null, reads);
    }

    static String environmentName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String text(String name, String fallback) {
        reads.accept(name, fallback);
        String value = valueOf(name);
        return value == null ? fallback : value;
    }

    /** A comma-separated list, each item trimmed, empty items left out; by default none. */
    public List<String> list(String name) {
        return Stream.of(text(name, "").split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    public int integer(String name, int fallback) {
        return parse(name, fallback, Integer::valueOf);
    }

    public long number(String name, long fallback) {
        return parse(name, fallback, Long::valueOf);
    }

    public boolean flag(String name, boolean fallback) {
        return parse(name, fallback, value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        });
    }

    /** A duration in milliseconds. */
    public Duration millis(String name, Duration fallback) {
        return parse(name, fallback, value -> Duration.ofMillis(Long.parseLong(value)));
    }

    private String valueOf(String name) {
        String value = source.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private <T> T parse(String name, T fallback, Function<String, T> parser) {
        reads.accept(name, fallback);
        String value = valueOf(name);
        if (value == null) {
            return fallback;
        }
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("setting " + name + " has an invalid value: " + value, e);
        }
    }
}
