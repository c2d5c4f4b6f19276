package dev.parley.files.control;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The name a file is shown with and downloaded as, made from what the browser sent. */
public final class FileNames {

    static final int MAX_BYTES = 255;

    /** An extension longer than this is no extension worth keeping when a long name is cut. */
    static final int MAX_EXTENSION_BYTES = 32;

    /** Names Windows gives to devices, whatever their extension: saving "CON.txt" there fails or opens the console. */
    static final Set<String> WINDOWS_DEVICES = Set.of(
            "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1",
            "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    /**
     * Extensions that make a saved file active when opened: a page or a scriptable image in the browser (from
     * file:, with the user's local files in reach) or a script Windows runs on a double click. Parley serves none of
     * these types, so a name with one always lies about what the file is served as.
     */
    static final Set<String> ACTIVE_EXTENSIONS = Set.of(
            "htm", "html", "shtml", "xht", "xhtml", "mht", "mhtml", "xml", "xsl", "xslt", "svg", "svgz", "js", "mjs",
            "cjs", "jse", "hta", "vbs", "vbe", "wsf", "wsh");

    /** The extension a download gets when its name's would make it active: that of the type it is served as. */
    private static final Map<String, String> TYPE_EXTENSIONS = Map.of(
            "text/plain", "txt",
            "image/png", "png",
            "image/jpeg", "jpg",
            "image/gif", "gif",
            "image/webp", "webp",
            "application/pdf", "pdf",
            "application/zip", "zip",
            "application/gzip", "gz");

    private FileNames() {}

    /**
     * {@link #safe} with, if its extension is an active one, the served type's appended: "page.html" served as
     * text/plain is "page.html.txt", so saving it and opening it shows its text rather than running it.
     *
     * @return a name that is the same again: {@code forType(forType(x, t), t).equals(forType(x, t))}
     */
    public static String forType(String clientName, String servedType) {
        String name = safe(clientName);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!ACTIVE_EXTENSIONS.contains(extension)) {
            return name;
        }
        String suffix = "." + TYPE_EXTENSIONS.getOrDefault(servedType, "bin");
        // the suffix is kept whole: the cut takes it from the part before
        return cut(name + suffix);
    }

    /**
     * The last path segment only (a name is never a path), composed (NFC: macOS sends decomposed accents), without
     * control, bidirectional or lone surrogate characters (U+202E makes "fdp.exe" read "exe.pdf"), with the
     * characters Windows forbids replaced by "_", without dots and spaces at its ends (no hidden ".htaccess", no
     * "a.exe." that Windows saves as "a.exe"), a device name prefixed, cut to 255 UTF-8 bytes keeping the extension.
     *
     * @return a name that is safe again: {@code safe(safe(x)).equals(safe(x))}; "file" when nothing is left
     */
    public static String safe(String clientName) {
        if (clientName == null) {
            return "file";
        }
        String segment = clientName.substring(Math.max(clientName.lastIndexOf('/'), clientName.lastIndexOf('\\')) + 1);
        StringBuilder kept = new StringBuilder();
        Normalizer.normalize(segment, Normalizer.Form.NFC).codePoints().forEach(c -> {
            if ("<>:\"|?*".indexOf(c) >= 0) {
                kept.append('_');
            } else if (!dropped(c)) {
                kept.appendCodePoint(c);
            }
        });
        String name = trim(kept.toString());
        if (name.isEmpty()) {
            return "file";
        }
        int dot = name.indexOf('.');
        if (WINDOWS_DEVICES.contains(
                (dot < 0 ? name : name.substring(0, dot)).strip().toLowerCase(Locale.ROOT))) {
            name = "_" + name;
        }
        return cut(name);
    }

    private static boolean dropped(int c) {
        return Character.isISOControl(c)
                || Character.getType(c) == Character.SURROGATE
                || (c >= 0x202a && c <= 0x202e) // embeddings and overrides
                || (c >= 0x2066 && c <= 0x2069) // isolates
                || c == 0x200e
                || c == 0x200f
                || c == 0x061c; // direction marks
    }

    private static boolean trimmed(int c) {
        return c == '.' || Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static String trim(String name) {
        int start = 0;
        int end = name.length();
        while (start < end && trimmed(name.charAt(start))) {
            start++;
        }
        while (end > start && trimmed(name.charAt(end - 1))) {
            end--;
        }
        return name.substring(start, end);
    }

    /** Cuts the part before the extension (or the whole name when the extension is too long to keep). */
    private static String cut(String name) {
        if (utf8Bytes(name) <= MAX_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot);
        if (dot < 0 || utf8Bytes(extension) > MAX_EXTENSION_BYTES) {
            return trim(prefix(name, MAX_BYTES));
        }
        String base = trim(prefix(name.substring(0, dot), MAX_BYTES - utf8Bytes(extension)));
        return (base.isEmpty() ? "file" : base) + extension;
    }

    /** The longest prefix of whole code points within the given UTF-8 bytes. */
    private static String prefix(String text, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int c = text.codePointAt(end);
            bytes += utf8Bytes(new String(Character.toChars(c)));
            if (bytes > maxBytes) {
                break;
            }
            end += Character.charCount(c);
        }
        return text.substring(0, end);
    }

    private static int utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
