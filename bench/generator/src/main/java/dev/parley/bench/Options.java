package dev.parley.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} pairs after the scenario's name; every value has a default the scenario names. */
final class Options {

    final String scenario;
    private final Map<String, String> values = new LinkedHashMap<>();

    Options(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no scenario given");
        }
        scenario = args[0];
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            String name = args[i].substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(name, args[++i]);
            } else {
                values.put(name, "true");
            }
        }
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    double decimal(String name, double fallback) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(values.getOrDefault(name, "false"));
    }

    Map<String, String> all() {
        return values;
    }
}
