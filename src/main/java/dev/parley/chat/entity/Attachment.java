package dev.parley.chat.entity;

import java.util.List;

/**
 * A file a message carries (the files extension). Everything here is what the server found when it took the upload,
 * never what the uploader's browser said: {@code type} comes from the content, {@code name} is made safe to show and
 * to save under, and {@code width}/{@code height} are present for images only.
 *
 * @param id  128 random bits (22 characters of base64url): for a guest, knowing it is the right to download
 * @param url where it is downloaded, relative to the application's root (the page's own directory)
 */
public record Attachment(String id, String name, String type, long size, Integer width, Integer height, String url) {

    /** The characters of an id: base64url without padding. */
    public static final int ID_CHARS = 22;

    public static final String PATH = "api/files/";

    public static Attachment of(String id, String name, String type, long size, int width, int height) {
        return new Attachment(id, name, type, size, width > 0 ? width : null, height > 0 ? height : null, PATH + id);
    }

    /** Whether the text could be an id; whether such a file exists is the store's to say. */
    public static boolean isId(String text) {
        if (text == null || text.length() != ID_CHARS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean base64url =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!base64url) {
                return false;
            }
        }
        return true;
    }

    /** Null for none, so that a message without files has no {@code files} field at all (v1's shape). */
    public static List<Attachment> orNull(List<Attachment> files) {
        return files == null || files.isEmpty() ? null : List.copyOf(files);
    }
}
