package dev.parley.testing;

import java.util.List;
import java.util.Random;

/**
 * Hostile text frames for fuzz tests, made from valid commands by one seeded {@link Random}: byte flips,
 * truncations, splices of two commands, swapped types and field types, deep nesting, huge numbers, lone
 * surrogates (raw and escaped), control characters, duplicate keys, trailing garbage and huge strings. The same
 * seed gives the same frames, so a failure is replayed by running the test with the seed it printed
 * ({@code -Dparley.fuzz.seed=N}).
 */
public final class FrameMutator {

    /** A seed from {@code parley.fuzz.seed} when given (to replay a failure), else a fresh one. */
    public static long seed() {
        Long given = Long.getLong("parley.fuzz.seed");
        return given != null ? given : new Random().nextLong();
    }

    private static final List<String> TYPES = List.of(
            "join", "leave", "say", "whisper", "typing", "history", "welcome", "message", "JOIN", "", "say ", "nope");

    /** Odd characters: JSON structure, controls, lone and paired surrogates, non-characters, BOM, NUL. */
    private static final String ODD = "{}[]\":,\\ \t\n\r\u0000\u0001\u0007\u001f\u007f\u0085\u2028\u2029"
            + "\ud800\udbff\udc00\udfff\ufeff\ufffe\uffff\u00e9\u4e2d";

    private static final List<String> ODD_VALUES = List.of(
            "null",
            "true",
            "false",
            "0",
            "-0",
            "1.5",
            "-1",
            "1e999999999",
            "-1e999999999",
            "123456789012345678901234567890",
            "9223372036854775807",
            "9223372036854775808",
            "1E+2",
            "0.0000000000000000000001",
            "[]",
            "{}",
            "[1,2]",
            "{\"a\":1}",
            "\"\"",
            "\" \"",
            "\"\\ud800\"",
            "\"\\udc00x\"",
            "\"\\ud83d\\ude00\"",
            "\"\\u0000\"",
            "\"\\u001b[31m\"",
            "\"\\u202e\"",
            "\"a\\nb\"",
            "\"\u0007\"",
            "NaN",
            "Infinity",
            "'x'",
            "\"unterminated");

    private final Random random;
    private final String room;
    private final String peer;

    /** Commands about {@code room} and whispers to {@code peer}, mutated with {@code random}. */
    public FrameMutator(Random random, String room, String peer) {
        this.random = random;
        this.room = room;
        this.peer = peer;
    }

    /** A valid command of a random type. */
    public String valid() {
        return switch (random.nextInt(6)) {
            case 0 -> "{\"type\":\"join\",\"room\":\"" + room + "\"}";
            case 1 -> "{\"type\":\"leave\",\"room\":\"" + room + "\"}";
            case 2 ->
                "{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"fuzz " + random.nextInt(1000) + "\",\"ref\":\"r"
                        + random.nextInt(1_000_000) + "\"}";
            case 3 -> "{\"type\":\"whisper\",\"to\":\"" + peer + "\",\"text\":\"psst\"}";
            case 4 -> "{\"type\":\"typing\",\"room\":\"" + room + "\"}";
            default ->
                "{\"type\":\"history\",\"room\":\"" + room + "\",\"before\":" + random.nextInt(100) + ",\"limit\":"
                        + random.nextInt(300) + "}";
        };
    }

    /** A valid command after one to three random mutations; sometimes (rarely) still valid. */
    public String next() {
        String frame = valid();
        int rounds = 1 + random.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            frame = mutate(frame);
        }
        return frame;
    }

    /** One mutation; {@code huge} strings stay below {@code 3 * 65536} characters. */
    String mutate(String frame) {
        return switch (random.nextInt(14)) {
            case 0 -> flip(frame);
            case 1 -> frame.substring(0, random.nextInt(frame.length() + 1));
            case 2 -> splice(frame, valid());
            case 3 -> frame.replaceFirst("\"type\":\"[a-z]*\"", "\"type\":" + typeValue());
            case 4 -> replaceAValue(frame, pick(ODD_VALUES));
            case 5 -> nest(frame);
            case 6 -> replaceAValue(frame, "\"" + oddString(1 + random.nextInt(40)) + "\"");
            case 7 -> insertBefore(frame, "\"type\":\"" + pick(TYPES) + "\",");
            case 8 -> frame + pick(List.of("x", "{}", " ", "\u0000", ",", "]", "}", "{\"type\":\"join\"}"));
            case 9 -> replaceAValue(frame, "\"" + "x".repeat(hugeLength()) + "\"");
            case 10 -> insertBefore(frame, "\"extra\":" + deepValue(1 + random.nextInt(20_000)) + ",");
            case 11 -> replaceAValue(frame, "\"" + "\ud83d\ude00".repeat(1 + random.nextInt(40_000)) + "\"");
            case 12 -> flip(flip(flip(frame)));
            default ->
                random.nextBoolean()
                        ? ""
                        : pick(List.of(
                                " ",
                                "[]",
                                "null",
                                "\"say\"",
                                "42",
                                "{",
                                "}",
                                "{\"type\":\"say\"",
                                "\ufeff{\"type\":\"join\",\"room\":\"" + room + "\"}"));
        };
    }

    private String typeValue() {
        return random.nextBoolean() ? "\"" + pick(TYPES) + "\"" : pick(ODD_VALUES);
    }

    private String flip(String frame) {
        if (frame.isEmpty()) {
            return String.valueOf(ODD.charAt(random.nextInt(ODD.length())));
        }
        int at = random.nextInt(frame.length());
        char replacement =
                random.nextBoolean() ? ODD.charAt(random.nextInt(ODD.length())) : (char) random.nextInt(0x10000);
        return frame.substring(0, at) + replacement + frame.substring(at + 1);
    }

    private String splice(String a, String b) {
        return a.substring(0, random.nextInt(a.length() + 1)) + b.substring(random.nextInt(b.length() + 1));
    }

    /** Replaces the value after a random {@code ":"} (a field's value, as the frame is flat). */
    private String replaceAValue(String frame, String value) {
        int colon = nthColon(frame);
        if (colon < 0) {
            return frame + value;
        }
        int end = colon + 1;
        if (end < frame.length() && frame.charAt(end) == '"') {
            int close = frame.indexOf('"', end + 1);
            end = close < 0 ? frame.length() : close + 1;
        } else {
            while (end < frame.length() && ",}".indexOf(frame.charAt(end)) < 0) {
                end++;
            }
        }
        return frame.substring(0, colon + 1) + value + frame.substring(end);
    }

    private String nest(String frame) {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 20 : 100_000);
        return random.nextBoolean()
                ? "[".repeat(depth) + frame + "]".repeat(depth)
                : replaceAValue(frame, deepValue(depth));
    }

    private String deepValue(int depth) {
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        boolean balanced = random.nextInt(4) != 0;
        return open.repeat(depth) + "1" + (balanced ? close.repeat(depth) : "");
    }

    private String insertBefore(String frame, String member) {
        int brace = frame.indexOf('{');
        return brace < 0 ? member + frame : frame.substring(0, brace + 1) + member + frame.substring(brace + 1);
    }

    private int nthColon(String frame) {
        int count = (int) frame.chars().filter(c -> c == ':').count();
        if (count == 0) {
            return -1;
        }
        int target = random.nextInt(count);
        int at = -1;
        for (int i = 0; i <= target; i++) {
            at = frame.indexOf(':', at + 1);
        }
        return at;
    }

    private String oddString(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(
                    random.nextInt(3) == 0
                            ? ODD.charAt(random.nextInt(ODD.length()))
                            : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    /** Mostly under the 65,536-byte frame limit, sometimes over it. */
    private int hugeLength() {
        return random.nextBoolean() ? 4_000 + random.nextInt(2) : 60_000 + random.nextInt(20_000);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
