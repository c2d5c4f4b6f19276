package dev.parley.files.control;

import static dev.parley.files.control.Samples.animatedGif;
import static dev.parley.files.control.Samples.concat;
import static dev.parley.files.control.Samples.gif;
import static dev.parley.files.control.Samples.jpeg;
import static dev.parley.files.control.Samples.png;
import static dev.parley.files.control.Samples.utf8;
import static dev.parley.files.control.Samples.webpExtended;
import static dev.parley.files.control.Samples.webpLossless;
import static dev.parley.files.control.Samples.webpLossy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.files.control.Inspection.Accepted;
import dev.parley.files.control.Inspection.Refused;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FileInspectorTest {

    static final long MAX_PIXELS = 40_000_000;

    FileInspector cut = new FileInspector(MAX_PIXELS);

    Accepted accepted(byte[] content, String name, String type) {
        return assertInstanceOf(Accepted.class, cut.inspect(content, name, type));
    }

    String refused(byte[] content, String name, String type) {
        return assertInstanceOf(Refused.class, cut.inspect(content, name, type)).reason();
    }

    @Test
    void eachAllowedImageIsKnownByItsContentWithItsSize() {
        assertEquals(new Accepted("image/png", true, 640, 480), accepted(png(640, 480), "a.png", "image/png"));
        assertEquals(new Accepted("image/jpeg", true, 640, 480), accepted(jpeg(640, 480), "a.jpg", "image/jpeg"));
        assertEquals(new Accepted("image/gif", true, 640, 480), accepted(gif(640, 480), "a.gif", "image/gif"));
        assertEquals(new Accepted("image/webp", true, 640, 480), accepted(webpLossy(640, 480), "a.webp", null));
        assertEquals(new Accepted("image/webp", true, 640, 480), accepted(webpLossless(640, 480), "a.webp", null));
        assertEquals(new Accepted("image/webp", true, 640, 480), accepted(webpExtended(640, 480), "a.webp", null));
    }

    @Test
    void aClientThatSaysNothingStillGetsTheTypeOfTheContent() {
        assertEquals("image/png", accepted(png(1, 1), null, null).type());
        assertEquals("image/gif", accepted(gif(1, 1), "", "").type());
    }

    @Test
    void aJpegFrameHeaderIsFoundPastOtherSegmentsAndFillBytes() {
        byte[] plain = jpeg(3, 2);
        // an EXIF-like APP1 segment and fill bytes (0xff 0xff) before the frame header
        byte[] withMore = new Samples.Bytes()
                .raw(0xff, 0xd8)
                .raw(0xff, 0xe1)
                .int16(8)
                .ascii("Exif")
                .raw(0, 0)
                .raw(0xff)
                .raw(Arrays.copyOfRange(plain, 2, plain.length))
                .toArray();
        assertEquals(new Accepted("image/jpeg", true, 3, 2), accepted(withMore, "a.jpg", null));
        byte[] progressive = plain.clone();
        progressive[21] = (byte) 0xc2; // SOF2: progressive frames are JPEG too
        assertEquals(new Accepted("image/jpeg", true, 3, 2), accepted(progressive, "a.jpg", null));
    }

    @Test
    void theServersTypeWinsOverAClientThatNamedAnotherImageType() {
        assertEquals(
                "image/jpeg", accepted(jpeg(10, 10), "photo.png", "image/png").type());
        assertEquals(
                "image/png", accepted(png(10, 10), "photo.gif", "image/jpeg").type());
    }

    @Test
    void otherKnownFormatsAreNamedButNeverImages() {
        assertEquals(
                new Accepted("application/pdf", false, 0, 0),
                accepted(utf8("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj"), "a.pdf", "application/pdf"));
        assertEquals(
                new Accepted("application/zip", false, 0, 0),
                accepted(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}, "a.zip", null));
        assertEquals(
                "application/zip",
                accepted(
                                new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                                "e.zip",
                                null)
                        .type(),
                "an empty zip has only its end record");
        assertEquals(
                "application/gzip",
                accepted(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, "a.log.gz", null)
                        .type());
    }

    @Test
    void utf8TextIsPlainTextAndEverythingElseIsOctets() {
        assertEquals(
                new Accepted("text/plain", false, 0, 0),
                accepted(
                        utf8("2026-12-05 build failed\n\tat Parley.main\r\n\u00e9t\u00e9 \u2713 \ud83d\ude00\n"),
                        "a.log",
                        null));
        assertEquals(
                "application/octet-stream",
                accepted(new byte[] {0, 1, 2, 3, 'a', 'b'}, "a.bin", null).type());
        assertEquals(
                "application/octet-stream",
                accepted(new byte[] {'a', 'b', (byte) 0xc3, 'c'}, "a.txt", "text/plain")
                        .type(),
                "not UTF-8: a broken sequence");
        assertEquals(
                "application/octet-stream",
                accepted(utf8("text with a NUL\0 inside"), "a.txt", "text/plain")
                        .type());
        assertEquals(
                "application/octet-stream",
                accepted(utf8("\u0001\u0002\u0003\u0004 mostly control characters \u0005\u0006\u0007\u0008"), "a", null)
                        .type());
        assertEquals(
                "text/plain",
                accepted(utf8("a form feed \f and an escape \u001b[0m are text"), "a", null)
                        .type());
    }

    @Test
    void htmlAndSvgAreServedAsPlainTextWhateverTheClientSays() {
        byte[] html = utf8("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>");
        byte[] svg = utf8("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>");
        assertEquals(new Accepted("text/plain", false, 0, 0), accepted(html, "page.html", "text/html"));
        assertEquals(new Accepted("text/plain", false, 0, 0), accepted(svg, "drawing.svg", "image/svg+xml"));
        assertEquals("text/plain", accepted(svg, "drawing.svg", null).type());
        assertEquals(
                "text/plain",
                accepted(html, "page.htm", "application/xhtml+xml").type());
    }

    @Test
    void noContentEverGetsAnHtmlOrSvgType() {
        byte[][] contents = {
            utf8("<html></html>"), utf8("<svg/>"), png(1, 1), new byte[] {0, 1}, utf8("%PDF-"), gif(1, 1)
        };
        String[] claims = {"text/html", "image/svg+xml", "application/xhtml+xml", null};
        for (byte[] content : contents) {
            for (String claim : claims) {
                Inspection inspection = cut.inspect(content, "x", claim);
                if (inspection instanceof Accepted) {
                    String type = ((Accepted) inspection).type();
                    assertFalse(type.contains("html") || type.contains("svg") || type.contains("xml"), type);
                }
            }
        }
    }

    @Test
    void emptyContentIsRefused() {
        assertEquals("the file is empty", refused(new byte[0], "a.txt", "text/plain"));
        assertEquals("the file is empty", refused(null, "a.txt", null));
    }

    @Test
    void anImageOfMoreThanTheAllowedPixelsIsRefusedFromItsHeaderAlone() {
        assertEquals(
                "the image is 100000 x 100000 pixels, more than 40000000",
                refused(png(100_000, 100_000), "bomb.png", "image/png"));
        assertEquals(
                "the image is 65535 x 65535 pixels, more than 40000000",
                refused(jpeg(65_535, 65_535), "bomb.jpg", "image/jpeg"));
        assertTrue(refused(gif(65_535, 65_535), "bomb.gif", null).startsWith("the image is 65535 x 65535"));
        assertTrue(refused(webpExtended(16_777_216, 16_777_216), "bomb.webp", null)
                .startsWith("the image is 16777216 x 16777216"));
        assertTrue(refused(webpLossless(16_384, 16_384), "bomb.webp", null).startsWith("the image is 16384 x 16384"));
    }

    @Test
    void pixelsAreCountedInLongsSoAnIntOverflowLetsNoBombThrough() {
        // 2^31-1 squared overflows an int product (to 1): counted in longs, it is far over the limit
        assertTrue(refused(png(Integer.MAX_VALUE, Integer.MAX_VALUE), "bomb.png", null)
                .startsWith("the image is 2147483647 x 2147483647"));
        assertEquals(new Accepted("image/png", true, 8000, 5000), accepted(png(8000, 5000), "ok.png", null));
        assertTrue(refused(png(8000, 5001), "over.png", null).contains("more than 40000000"));
        assertInstanceOf(Accepted.class, new FileInspector(1).inspect(png(1, 1), null, null), "at the limit");
    }

    @Test
    void aPngWithoutAWholeRightIhdrIsRefused() {
        byte[] good = png(10, 10);
        assertEquals("not a PNG image: its header is missing or broken", refused(Arrays.copyOf(good, 20), "a", null));
        assertEquals(
                "not a PNG image: its header is missing or broken",
                refused(Arrays.copyOf(good, 8), "a.png", null),
                "a bare signature");
        byte[] badCrc = good.clone();
        badCrc[good.length - 1] ^= 1;
        assertEquals("not a PNG image: its header is missing or broken", refused(badCrc, "a.png", null));
        byte[] otherChunk = good.clone();
        otherChunk[12] = 'I';
        otherChunk[13] = 'D';
        otherChunk[14] = 'A';
        otherChunk[15] = 'T';
        assertEquals("not a PNG image: its header is missing or broken", refused(otherChunk, "a.png", null));
        assertEquals("not a PNG image: it is 0 x 10 pixels", refused(png(0, 10), "a.png", null));
        assertTrue(refused(png(-1, 10), "a.png", null).startsWith("not a PNG image"), "above 2^31-1: not PNG");
    }

    @Test
    void aJpegWithoutAFrameHeaderBeforeItsScanIsRefused() {
        byte[] noFrame = new Samples.Bytes()
                .raw(0xff, 0xd8)
                .raw(0xff, 0xe0)
                .int16(4)
                .raw(0, 0)
                .raw(0xff, 0xda)
                .int16(2)
                .raw(0xff, 0xc0, 0, 17, 8, 0, 10, 0, 10)
                .toArray();
        assertEquals("not a JPEG image: it has no frame header", refused(noFrame, "a.jpg", null));
        byte[] good = jpeg(10, 10);
        assertEquals(
                "not a JPEG image: it has no frame header", refused(Arrays.copyOf(good, 25), "a.jpg", null), "cut");
        assertEquals(
                "not a JPEG image: it has no frame header", refused(new byte[] {(byte) 0xff, (byte) 0xd8}, "a", null));
        byte[] badLength = good.clone();
        badLength[5] = 1; // an APP0 length below 2 cannot even hold itself
        assertEquals("not a JPEG image: it has no frame header", refused(badLength, "a.jpg", null));
        byte[] garbage = good.clone();
        garbage[2] = 0x41; // no marker where one must be
        assertEquals("not a JPEG image: it has no frame header", refused(garbage, "a.jpg", null));
        assertEquals("not a JPEG image: it is 10 x 0 pixels", refused(jpeg(10, 0), "a.jpg", null));
    }

    @Test
    void aGifOfNoPixelsOrCutBeforeItsScreenIsRefused() {
        assertEquals("not a GIF image: it is 0 x 0 pixels", refused(gif(0, 0), "a.gif", null));
        assertEquals(
                "not a GIF image: its header is missing or broken",
                refused(Arrays.copyOf(gif(1, 1), 8), "a.gif", null));
        byte[] gif87 = gif(2, 3);
        gif87[4] = '7';
        assertEquals(new Accepted("image/gif", true, 2, 3), accepted(gif87, "a.gif", null));
    }

    /**
     * A GIF's frames have sizes of their own, which browsers honour past the logical screen: each frame must lie
     * within the screen, and the frames together within the pixels allowed.
     */
    @Test
    void aGifWhoseFramesLeaveItsScreenOrTogetherExceedThePixelsAllowedIsRefused() {
        assertEquals(
                new Accepted("image/gif", true, 100, 50),
                accepted(animatedGif(100, 50, new int[] {0, 0, 100, 50}, new int[] {10, 20, 90, 30}), "a.gif", null));
        assertEquals(
                "the GIF has a frame of 65535 x 65535 pixels at 0, 0, outside its 1 x 1 screen",
                refused(animatedGif(1, 1, new int[] {0, 0, 65_535, 65_535}), "bomb.gif", null));
        assertEquals(
                "the GIF has a frame of 100 x 50 pixels at 1, 0, outside its 100 x 50 screen",
                refused(animatedGif(100, 50, new int[] {0, 0, 10, 10}, new int[] {1, 0, 100, 50}), "a.gif", null));
        int[] whole = {0, 0, 5_000, 5_000};
        assertEquals(
                new Accepted("image/gif", true, 5_000, 5_000),
                accepted(animatedGif(5_000, 5_000, whole), "a.gif", null));
        assertEquals(
                "the GIF's frames are more than 40000000 pixels together",
                refused(animatedGif(5_000, 5_000, whole, whole), "a.gif", null));
    }

    /** A GIF as an encoder writes it (colour tables, extensions, data sub-blocks) is walked to its trailer. */
    @Test
    void aGifFromImageIoIsAccepted() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(
                new java.awt.image.BufferedImage(300, 200, java.awt.image.BufferedImage.TYPE_BYTE_INDEXED), "gif", out);
        assertEquals(new Accepted("image/gif", true, 300, 200), accepted(out.toByteArray(), "a.gif", null));
    }

    @Test
    void aWebpWithoutAReadableFrameIsRefused() {
        String broken = "not a WebP image: its header is missing or broken";
        assertEquals(broken, refused(Samples.riff("VP8 ", new byte[] {0, 0, 0, 1, 2, 3, 0, 0, 0, 0}), "a.webp", null));
        assertEquals(broken, refused(Samples.riff("VP8L", new byte[] {0x2e, 0, 0, 0, 0}), "a.webp", null));
        assertEquals(broken, refused(Samples.riff("ALPH", new byte[10]), "a.webp", null));
        assertEquals(broken, refused(Arrays.copyOf(webpExtended(5, 5), 20), "a.webp", null));
        assertEquals(broken, refused(Arrays.copyOf(webpLossy(5, 5), 25), "a.webp", null));
        assertEquals("not a WebP image: it is 0 x 5 pixels", refused(webpLossy(0, 5), "a.webp", null));
    }

    @Test
    void aRiffThatIsNoWebpIsNotAnImage() {
        byte[] wave = Samples.riff("fmt ", new byte[16]);
        wave[8] = 'W';
        wave[9] = 'A';
        wave[10] = 'V';
        wave[11] = 'E';
        assertEquals(new Accepted("application/octet-stream", false, 0, 0), accepted(wave, "a.wav", "audio/wav"));
    }

    @Test
    void contentThatSaysItIsAnImageButIsNoneOfTheAllowedOnesIsRefused() {
        String lie = "the file says it is an image but is not a PNG, JPEG, GIF or WebP image";
        byte[] html = utf8("<html><body onload=\"alert(1)\">hi</body></html>");
        assertEquals(lie, refused(html, "cat.png", "image/png"), "a .png that is HTML");
        assertEquals(lie, refused(html, "cat.png", null), "by its name alone");
        assertEquals(lie, refused(html, "cat.txt", "image/png"), "by its type alone");
        assertEquals(lie, refused(html, "CAT.JPEG", "text/plain"), "the extension in any case");
        assertEquals(lie, refused(html, "x", "Image/GIF; charset=binary"), "the type in any case, with parameters");
        assertEquals(lie, refused(utf8("%PDF-1.4"), "scan.jpg", null));
        assertEquals(
                lie, refused(new byte[] {'B', 'M', 0x3e, 0, 0, 0}, "old.bmp", "image/bmp"), "BMP is no allowed image");
        for (String extension :
                new String[] {"png", "jpg", "jpeg", "gif", "webp", "bmp", "ico", "tif", "tiff", "avif"}) {
            assertEquals(lie, refused(html, "a." + extension, null), extension);
        }
    }

    @Test
    void theClaimedExtensionIsReadFromTheNameAsItWillBeSaved() {
        byte[] html = utf8("<html></html>");
        String lie = "the file says it is an image but is not a PNG, JPEG, GIF or WebP image";
        assertEquals(lie, refused(html, "cat.png.", null), "Windows drops the trailing dot: it saves cat.png");
        assertEquals(lie, refused(html, "../../cat.png ", null));
        assertEquals(lie, refused(html, "C:\\Users\\me\\cat.PNG", null));
    }

    /** SVG is XML text: its claim is kept by text content (served as text/plain), not by octets. */
    @Test
    void anSvgClaimIsKeptByTextAndBrokenByAnythingElse() {
        String lie = "the file says it is an SVG image but is not text";
        assertEquals(lie, refused(new byte[] {0, 1, 2}, "a.svg", null));
        assertEquals(lie, refused(new byte[] {0, 1, 2}, "a", "image/svg+xml"));
        assertEquals(lie, refused(utf8("%PDF-1.4"), "a.svg", null));
        assertEquals("image/png", accepted(png(2, 2), "a.svg", "image/svg+xml").type(), "the server's type wins");
    }

    @Test
    void aNameThatOnlyLooksLikeAnImageIsNotAClaim() {
        byte[] text = utf8("just text");
        assertEquals("text/plain", accepted(text, "png", null).type(), "no extension, a name");
        assertEquals("text/plain", accepted(text, "a.png.txt", "text/plain").type(), "only the last extension");
        assertEquals("text/plain", accepted(text, "a.png/notes", null).type(), "a folder, not an extension");
    }

    /**
     * The choice: a GIF header followed by HTML and script is accepted as the GIF it starts as. Browsers decode it as
     * an image (the trailing bytes are ignored) and the lead serves it with nosniff and a sandboxing CSP, so no page
     * ever runs the script; refusing every file with bytes after its image would refuse common files with trailers.
     */
    @Test
    void aPolyglotIsAcceptedAsTheImageItStartsAs() {
        byte[] polyglot = concat(gif(10, 10), utf8("<html><script>alert(document.domain)</script></html>"));
        assertEquals(new Accepted("image/gif", true, 10, 10), accepted(polyglot, "cat.gif", "image/gif"));
        assertEquals(
                new Accepted("image/gif", true, 10, 10),
                accepted(polyglot, "page.html", "text/html"),
                "what it is, not what it says");
        assertEquals(
                "image/png",
                accepted(concat(png(1, 1), utf8("<script>1</script>")), "a.png", null)
                        .type());
    }

    @Test
    void aTextFileNamedHtmlOrWithAnyOtherNameIsText() {
        assertNotEquals(
                Refused.class,
                cut.inspect(utf8("<b>hi</b>"), "a.html", "text/html").getClass());
        assertEquals(
                "text/plain", accepted(utf8("<b>hi</b>"), "a.html", "text/html").type());
    }
}
