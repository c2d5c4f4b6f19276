package dev.parley.chat.control;

/**
 * The content rules of protocol v1 for names, refs and text. Each is one pass over the characters: no regular
 * expressions, nothing allocated per character, so a hostile 64 KiB frame costs no more than reading it.
 */
public final class ProtocolRules {

    static final int MAX_NAME_LENGTH = 32;
    static final int MAX_REF_CODE_POINTS = 64;

    private ProtocolRules() {}

    public static boolean isRoomName(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_NAME_LENGTH || !isLowerLetterOrDigit(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isLowerLetterOrDigit(c) && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    public static boolean isUserName(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isLowerLetterOrDigit(c) && !(c >= 'A' && c <= 'Z') && c != '_' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    public static boolean isRef(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        int codePoints = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isPairAt(s, i)) {
                i++;
            } else if (Character.isSurrogate(c) || Character.isISOControl(c)) {
                return false;
            }
            if (++codePoints > MAX_REF_CODE_POINTS) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return null when the text may be posted, else why not, in words fit for a {@code text_invalid} error.
     */
    public static String textProblem(String text, int maxCodePoints) {
        return textProblem(text, maxCodePoints, false);
    }

    /**
     * {@link #textProblem(String, int)}, where {@code mayBeBlank} lets a message that carries files say nothing else.
     */
    public static String textProblem(String text, int maxCodePoints, boolean mayBeBlank) {
        if (text == null) {
            return "text is missing";
        }
        int codePoints = 0;
        boolean blank = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int codePoint = c;
            if (isPairAt(text, i)) {
                codePoint = Character.toCodePoint(c, text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                return "text contains a lone surrogate (half of a UTF-16 pair) at character " + i;
            }
            if (isForbiddenControl(codePoint)) {
                return String.format("text contains the control character U+%04X", codePoint);
            }
            if (blank && !isBlank(codePoint)) {
                blank = false;
            }
            codePoints++;
        }
        if (blank && !mayBeBlank) {
            return "text is empty";
        }
        if (codePoints > maxCodePoints) {
            return "text is longer than " + maxCodePoints + " characters (code points)";
        }
        return null;
    }

    private static boolean isLowerLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isPairAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i))
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    /** C0 except newline and tab, DEL, and C1. */
    private static boolean isForbiddenControl(int codePoint) {
        return Character.isISOControl(codePoint) && codePoint != '\n' && codePoint != '\t';
    }

    private static boolean isBlank(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }
}
