package dev.parley.bench;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Just enough JSON: writing the report (maps, lists, numbers, strings) and reading fields of known frames. */
final class Json {

    private Json() {}

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, "");
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            out.append("{\n");
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                out.append(indent)
                        .append("  ")
                        .append(quote(entry.getKey().toString()))
                        .append(": ");
                write(out, entry.getValue(), indent + "  ");
                out.append(entries.hasNext() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                write(out, list.get(i), indent + "  ");
            }
            out.append(']');
        } else if (value instanceof Double d) {
            out.append(d.isNaN() || d.isInfinite() ? "null" : String.format(java.util.Locale.ROOT, "%.3f", d));
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            out.append(quote(value.toString()));
        }
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    // the fields read from every delivered event: their keys are built once, not per event
    private static final Map<String, String> STRING_KEYS =
            Map.of("type", "\"type\":\"", "text", "\"text\":\"", "ref", "\"ref\":\"", "from", "\"from\":\"");
    private static final Map<String, String> NUMBER_KEYS = Map.of("seq", "\"seq\":", "last", "\"last\":");

    /** The string value of {@code "field":"…"} (no escapes inside), or null. */
    static String string(String frame, String field) {
        String key = STRING_KEYS.get(field);
        if (key == null) {
            key = "\"" + field + "\":\"";
        }
        int start = frame.indexOf(key);
        if (start < 0) {
            return null;
        }
        start += key.length();
        int end = frame.indexOf('"', start);
        return end < 0 ? null : frame.substring(start, end);
    }

    /** The integer value of {@code "field":123}, or -1. */
    static long number(String frame, String field) {
        String key = NUMBER_KEYS.get(field);
        if (key == null) {
            key = "\"" + field + "\":";
        }
        int start = frame.indexOf(key);
        if (start < 0) {
            return -1;
        }
        start += key.length();
        long value = 0;
        int i = start;
        while (i < frame.length() && Character.isDigit(frame.charAt(i))) {
            value = value * 10 + (frame.charAt(i++) - '0');
        }
        return i == start ? -1 : value;
    }

    /**
     * Hands each element of a JSON array of objects to {@code each}, in order, as its own text (a batched frame: an
     * array of events). Strings are skipped with their escapes, so braces inside texts do not count.
     */
    static void elements(String array, java.util.function.Consumer<String> each) {
        int depth = 0;
        int start = -1;
        boolean inString = false;
        for (int i = 1; i < array.length(); i++) {
            char c = array.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (depth++ == 0) {
                    start = i;
                }
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return; // the array's own end
                }
                if (--depth == 0) {
                    each.accept(array.substring(start, i + 1));
                }
            }
        }
        throw new IllegalArgumentException("not a complete JSON array: " + array);
    }

    /** The frame's {@code type}: the first field of every Parley event. */
    static String type(String frame) {
        return string(frame, "type");
    }
}
