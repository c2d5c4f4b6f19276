package dev.parley.files.control;

import java.nio.charset.StandardCharsets;

/**
 * The Content-Disposition header of a download (RFC 6266): a plain {@code filename} for old clients and a
 * {@code filename*} in UTF-8 (RFC 8187) that every current browser prefers. Whatever the name, the header holds
 * printable ASCII only, so no name can end the header or add another.
 */
public final class ContentDisposition {

    /** RFC 8187 attr-char: what goes unencoded in filename*. */
    private static final String ATTR_PUNCTUATION = "!#$&+-.^_`|~";

    private ContentDisposition() {}

    /** @param safeName a name from {@link FileNames#safe}; null is "file" */
    public static String of(String safeName, boolean inline) {
        String name = safeName == null ? "file" : safeName;
        return (inline ? "inline" : "attachment") + "; filename=\"" + fallback(name) + "\"; filename*=UTF-8''"
                + encoded(name);
    }

    /**
     * Printable ASCII in a quoted string: quote and backslash escaped, anything else "_"; so is "%", which some
     * browsers decode in the plain filename (RFC 6266 appendix D).
     */
    private static String fallback(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c < 0x20 || c >= 0x7f || c == '%') {
                out.append('_');
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }

    private static String encoded(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || ATTR_PUNCTUATION.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
