package dev.parley.files.control;

import dev.parley.files.control.Inspection.Accepted;
import dev.parley.files.control.Inspection.Refused;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Decides what an upload is from its bytes: the browser's name and type are only claims, checked against the
 * content and never taken as the type. Images are known by their signature and their header is read for the size
 * (nothing is decoded), so a header that does not hold or an image of more pixels than allowed (a decompression bomb)
 * is refused before any thumbnail or browser decodes it. Only PNG, JPEG, GIF and WebP are images (shown inline);
 * HTML and SVG are text/plain, so nothing uploaded is ever served as a page or a scriptable image.
 */
public class FileInspector {

    static final String TEXT = "text/plain";
    static final String OCTETS = "application/octet-stream";
    static final String NOT_AN_IMAGE = "the file says it is an image but is not a PNG, JPEG, GIF or WebP image";
    static final String NOT_AN_SVG = "the file says it is an SVG image but is not text";

    /** Raster image extensions: a name with one claims an image (SVG is claimed apart: it is text). */
    static final Set<String> IMAGE_EXTENSIONS = Set.of(
            "png", "apng", "jpg", "jpeg", "jpe", "jfif", "gif", "webp", "bmp", "dib", "ico", "cur", "tif", "tiff",
            "avif", "heic", "heif", "jxl");

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private enum Claim {
        NONE,
        IMAGE,
        SVG
    }

    private final long maxImagePixels;

    public FileInspector(long maxImagePixels) {
        this.maxImagePixels = maxImagePixels;
    }

    /**
     * @param content the whole upload
     * @param clientName the name the browser gave, may be null
     * @param clientType the type the browser gave, may be null
     * @return the type to serve it as, or a refusal whose reason a user can read
     */
    public Inspection inspect(byte[] content, String clientName, String clientType) {
        if (content == null || content.length == 0) {
            return new Refused("the file is empty");
        }
        Inspection found = detect(content);
        // an image is what its bytes say whatever the claim; an image signature whose header does not hold is
        // refused whatever the claim too, since browsers and thumbnailers would still decode it as that image
        if (found instanceof Refused || ((Accepted) found).image()) {
            return found;
        }
        String type = ((Accepted) found).type();
        Claim claim = claim(clientName, clientType);
        if (claim == Claim.IMAGE) {
            return new Refused(NOT_AN_IMAGE);
        }
        if (claim == Claim.SVG && !TEXT.equals(type)) {
            return new Refused(NOT_AN_SVG);
        }
        return found;
    }

    private Inspection detect(byte[] b) {
        if (startsWith(b, 0, PNG)) {
            return png(b);
        }
        if (b.length >= 2 && u8(b, 0) == 0xff && u8(b, 1) == 0xd8) {
            return jpeg(b);
        }
        if (startsWith(b, 0, "GIF87a") || startsWith(b, 0, "GIF89a")) {
            return gif(b);
        }
        if (startsWith(b, 0, "RIFF") && startsWith(b, 8, "WEBP")) {
            return webp(b);
        }
        if (startsWith(b, 0, "%PDF-")) {
            return Accepted.file("application/pdf");
        }
        // a local file header, or the end record alone: an empty zip
        if (startsWith(b, 0, "PK\u0003\u0004") || startsWith(b, 0, "PK\u0005\u0006")) {
            return Accepted.file("application/zip");
        }
        if (b.length >= 2 && u8(b, 0) == 0x1f && u8(b, 1) == 0x8b) {
            return Accepted.file("application/gzip");
        }
        return Accepted.file(isText(b) ? TEXT : OCTETS);
    }

    /** The IHDR chunk must come first, 13 bytes long, with a right CRC; sizes are at most 2^31-1 (the PNG spec). */
    private Inspection png(byte[] b) {
        if (b.length < 33 || u32be(b, 8) != 13 || !startsWith(b, 12, "IHDR")) {
            return broken("PNG");
        }
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        long width = u32be(b, 16);
        long height = u32be(b, 20);
        if (crc.getValue() != u32be(b, 29) || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            return broken("PNG");
        }
        return image("PNG", "image/png", width, height);
    }

    /**
     * Walks the marker segments after SOI to the first frame header (SOFn), which holds the size. The scan (SOS)
     * or the end before it, a segment that runs past the content or anything that is not a marker: no frame header.
     */
    private Inspection jpeg(byte[] b) {
        int at = 2;
        while (at < b.length && u8(b, at) == 0xff) {
            while (at < b.length && u8(b, at) == 0xff) {
                at++; // a marker may be preceded by any number of fill bytes
            }
            if (at >= b.length) {
                break;
            }
            int marker = u8(b, at++);
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                continue; // standalone markers carry no length
            }
            if (marker == 0x00 || marker == 0xd8 || marker == 0xd9 || marker == 0xda || at + 2 > b.length) {
                break;
            }
            int length = u16be(b, at);
            if (length < 2) {
                break;
            }
            if (isFrameHeader(marker)) {
                // length, precision, then height before width
                return at + 7 > b.length ? noFrame() : image("JPEG", "image/jpeg", u16be(b, at + 5), u16be(b, at + 3));
            }
            at += length;
        }
        return noFrame();
    }

    /** SOF0 to SOF15, but for DHT (c4), the JPEG extension (c8) and DAC (cc) that share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    }

    private static Refused noFrame() {
        return new Refused("not a JPEG image: it has no frame header");
    }

    /**
     * The logical screen descriptor after the signature holds the size, but each frame (image descriptor) has its own,
     * and browsers grow the canvas to a frame larger than the screen: a 1 x 1 screen may carry a 65535 x 65535 frame.
     * So every frame must lie within the screen, and an animation's frames together within the pixels allowed (each
     * one is decoded). The blocks are walked only as long as they hold: what follows a broken block no decoder reads.
     */
    private Inspection gif(byte[] b) {
        if (b.length < 13) {
            return broken("GIF");
        }
        int width = u16le(b, 6);
        int height = u16le(b, 8);
        Inspection screen = image("GIF", "image/gif", width, height);
        if (screen instanceof Refused) {
            return screen;
        }
        long framePixels = 0;
        int at = 13 + colorTable(u8(b, 10));
        while (at < b.length && u8(b, at) != 0x3b) {
            if (u8(b, at) == 0x21 && at + 2 <= b.length) {
                at = subBlocksEnd(b, at + 2);
            } else if (u8(b, at) == 0x2c && at + 10 <= b.length) {
                int left = u16le(b, at + 1);
                int top = u16le(b, at + 3);
                int frameWidth = u16le(b, at + 5);
                int frameHeight = u16le(b, at + 7);
                if (left + frameWidth > width || top + frameHeight > height) {
                    return new Refused("the GIF has a frame of " + frameWidth + " x " + frameHeight + " pixels at "
                            + left + ", " + top + ", outside its " + width + " x " + height + " screen");
                }
                framePixels += (long) frameWidth * frameHeight;
                if (framePixels > maxImagePixels) {
                    return new Refused("the GIF's frames are more than " + maxImagePixels + " pixels together");
                }
                // the LZW code size byte, then the image data
                at = subBlocksEnd(b, at + 10 + colorTable(u8(b, at + 9)) + 1);
            } else {
                break;
            }
        }
        return screen;
    }

    /** The bytes of the colour table a packed field announces, global or local. */
    private static int colorTable(int packed) {
        return (packed & 0x80) == 0 ? 0 : 3 << ((packed & 0x07) + 1);
    }

    /** Past the terminator of the data sub-blocks starting at {@code at}; the end of the content if it has none. */
    private static int subBlocksEnd(byte[] b, int at) {
        while (at < b.length) {
            int size = u8(b, at);
            at += 1 + size;
            if (size == 0) {
                return at;
            }
        }
        return b.length;
    }

    /** The first chunk is the lossy (VP8), lossless (VP8L) or extended (VP8X) header, each with its own size fields. */
    private Inspection webp(byte[] b) {
        int data = 20;
        if (startsWith(b, 12, "VP8 ")
                && b.length >= data + 10
                && u8(b, data + 3) == 0x9d
                && u8(b, data + 4) == 0x01
                && u8(b, data + 5) == 0x2a) {
            return image("WebP", "image/webp", u16le(b, data + 6) & 0x3fff, u16le(b, data + 8) & 0x3fff);
        }
        if (startsWith(b, 12, "VP8L") && b.length >= data + 5 && u8(b, data) == 0x2f) {
            long bits = u32le(b, data + 1);
            return image("WebP", "image/webp", (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
        }
        if (startsWith(b, 12, "VP8X") && b.length >= data + 10) {
            return image("WebP", "image/webp", u24le(b, data + 4) + 1, u24le(b, data + 7) + 1);
        }
        return broken("WebP");
    }

    /** Counted in longs: two int sizes can multiply past int and wrap round to a small number. */
    private Inspection image(String format, String type, long width, long height) {
        if (width <= 0 || height <= 0) {
            return new Refused("not a " + format + " image: it is " + width + " x " + height + " pixels");
        }
        if (width * height > maxImagePixels) {
            return new Refused("the image is " + width + " x " + height + " pixels, more than " + maxImagePixels);
        }
        return new Accepted(type, true, (int) width, (int) height);
    }

    private static Refused broken(String format) {
        return new Refused("not a " + format + " image: its header is missing or broken");
    }

    /**
     * Valid UTF-8 without NUL, with at most one control character in a hundred (tab, line ends, form feed and the
     * escape of terminal colours in logs are text). Decoded in slices: a 10 MiB upload needs no 20 MB string.
     */
    static boolean isText(byte[] b) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(8192);
        long chars = 0;
        long controls = 0;
        CoderResult result;
        do {
            result = decoder.decode(in, out, true);
            if (result.isError()) {
                return false;
            }
            out.flip();
            while (out.hasRemaining()) {
                char c = out.get();
                if (c == 0) {
                    return false;
                }
                chars++;
                if (Character.isISOControl(c) && "\t\n\r\f\u001b".indexOf(c) < 0) {
                    controls++;
                }
            }
            out.clear();
        } while (result.isOverflow());
        return controls * 100 <= chars;
    }

    /** What the client said the file is: its type without parameters, or the extension of the name it will have. */
    private static Claim claim(String clientName, String clientType) {
        String type =
                clientType == null ? "" : clientType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        String name = FileNames.safe(clientName);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if ((type.startsWith("image/") && !type.equals("image/svg+xml")) || IMAGE_EXTENSIONS.contains(extension)) {
            return Claim.IMAGE;
        }
        return type.equals("image/svg+xml") || extension.equals("svg") ? Claim.SVG : Claim.NONE;
    }

    private static boolean startsWith(byte[] b, int offset, String ascii) {
        return startsWith(b, offset, ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        if (b.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    private static int u16be(byte[] b, int at) {
        return u8(b, at) << 8 | u8(b, at + 1);
    }

    private static int u16le(byte[] b, int at) {
        return u8(b, at) | u8(b, at + 1) << 8;
    }

    private static int u24le(byte[] b, int at) {
        return u16le(b, at) | u8(b, at + 2) << 16;
    }

    private static long u32be(byte[] b, int at) {
        return (long) u16be(b, at) << 16 | u16be(b, at + 2);
    }

    private static long u32le(byte[] b, int at) {
        return u16le(b, at) | (long) u16le(b, at + 2) << 16;
    }
}
