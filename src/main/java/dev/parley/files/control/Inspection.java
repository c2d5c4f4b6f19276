package dev.parley.files.control;

/** What {@link FileInspector} made of an upload: a type the server will serve it as, or why it is refused. */
public sealed interface Inspection {

    /**
     * @param type the media type decided from the content, never text/html or image/svg+xml
     * @param image whether it is one of the image types shown inline (PNG, JPEG, GIF, WebP)
     * @param width pixels, read from the image's header; 0 when not an image
     * @param height pixels, read from the image's header; 0 when not an image
     */
    record Accepted(String type, boolean image, int width, int height) implements Inspection {

        static Accepted file(String type) {
            return new Accepted(type, false, 0, 0);
        }
    }

    /** @param reason a sentence a user can read, e.g. "the file is empty" */
    record Refused(String reason) implements Inspection {}
}
