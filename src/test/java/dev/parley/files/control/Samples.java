package dev.parley.files.control;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** The smallest real headers of each image format, built byte by byte so that a test says what it feeds. */
public final class Samples {

    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Samples() {}

    /** A PNG signature and its IHDR chunk (8-bit RGB), with a right CRC: enough for a header-only reader. */
    public static byte[] png(int width, int height) {
        Bytes ihdr = new Bytes().ascii("IHDR").int32(width).int32(height).raw(8, 2, 0, 0, 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.toArray());
        return new Bytes()
                .raw(PNG_SIGNATURE)
                .int32(13)
                .raw(ihdr.toArray())
                .int32((int) crc.getValue())
                .toArray();
    }

    /** SOI, a JFIF APP0 segment, a baseline SOF0 frame header of three components, SOS and EOI. */
    static byte[] jpeg(int width, int height) {
        return new Bytes()
                .raw(0xff, 0xd8)
                .raw(0xff, 0xe0)
                .int16(16)
                .ascii("JFIF")
                .raw(0, 1, 1, 0, 0, 1, 0, 1, 0, 0)
                .raw(0xff, 0xc0)
                .int16(17)
                .raw(8)
                .int16(height)
                .int16(width)
                .raw(3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
                .raw(0xff, 0xda)
                .int16(12)
                .raw(3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0)
                .raw(0x12, 0x34)
                .raw(0xff, 0xd9)
                .toArray();
    }

    /** A GIF89a header, its logical screen descriptor and a trailer. */
    static byte[] gif(int width, int height) {
        return new Bytes()
                .ascii("GIF89a")
                .int16le(width)
                .int16le(height)
                .raw(0, 0, 0)
                .raw(0x3b)
                .toArray();
    }

    /**
     * A GIF89a with a 4-colour global table, then for each frame {left, top, width, height} a graphic control
     * extension and an image descriptor with a 2-colour local table and one data sub-block, then a trailer.
     */
    static byte[] animatedGif(int width, int height, int[]... frames) {
        Bytes gif = new Bytes()
                .ascii("GIF89a")
                .int16le(width)
                .int16le(height)
                .raw(0x81, 0, 0)
                .raw(new byte[12]);
        for (int[] frame : frames) {
            gif.raw(0x21, 0xf9, 4, 0, 10, 0, 0, 0)
                    .raw(0x2c)
                    .int16le(frame[0])
                    .int16le(frame[1])
                    .int16le(frame[2])
                    .int16le(frame[3])
                    .raw(0x80)
                    .raw(new byte[6])
                    .raw(2, 2, 0x4c, 0x01, 0);
        }
        return gif.raw(0x3b).toArray();
    }

    /** A lossy WebP: RIFF, WEBP, a "VP8 " chunk whose key frame header holds the 14-bit width and height. */
    static byte[] webpLossy(int width, int height) {
        byte[] frame = new Bytes()
                .raw(0x10, 0x02, 0x00)
                .raw(0x9d, 0x01, 0x2a)
                .int16le(width)
                .int16le(height)
                .raw(0, 0)
                .toArray();
        return riff("VP8 ", frame);
    }

    /** A lossless WebP: a "VP8L" chunk, its 0x2f signature, then width-1 and height-1 in 14 bits each. */
    static byte[] webpLossless(int width, int height) {
        int bits = (width - 1) | ((height - 1) << 14);
        byte[] frame = new Bytes().raw(0x2f).int32le(bits).raw(0, 0, 0).toArray();
        return riff("VP8L", frame);
    }

    /** An extended WebP: a "VP8X" chunk with the canvas width-1 and height-1 in 24 bits each. */
    static byte[] webpExtended(int width, int height) {
        byte[] header = new Bytes()
                .raw(0, 0, 0, 0)
                .int24le(width - 1)
                .int24le(height - 1)
                .toArray();
        return riff("VP8X", header);
    }

    static byte[] riff(String chunk, byte[] data) {
        return new Bytes()
                .ascii("RIFF")
                .int32le(4 + 8 + data.length)
                .ascii("WEBP")
                .ascii(chunk)
                .int32le(data.length)
                .raw(data)
                .toArray();
    }

    static byte[] concat(byte[] first, byte[] second) {
        return new Bytes().raw(first).raw(second).toArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A byte writer that reads like the format's description: big-endian unless the name says le. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes raw(int... values) {
            for (int value : values) {
                out.write(value);
            }
            return this;
        }

        Bytes raw(byte[] values) {
            out.writeBytes(values);
            return this;
        }

        Bytes ascii(String text) {
            return raw(text.getBytes(StandardCharsets.US_ASCII));
        }

        Bytes int16(int value) {
            return raw(value >>> 8, value);
        }

        Bytes int32(int value) {
            return raw(value >>> 24, value >>> 16, value >>> 8, value);
        }

        Bytes int16le(int value) {
            return raw(value, value >>> 8);
        }

        Bytes int24le(int value) {
            return raw(value, value >>> 8, value >>> 16);
        }

        Bytes int32le(int value) {
            return raw(value, value >>> 8, value >>> 16, value >>> 24);
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
