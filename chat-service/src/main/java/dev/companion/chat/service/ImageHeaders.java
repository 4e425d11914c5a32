package dev.companion.chat.service;

/**
 * Recognises an image by its first bytes (PNG, JPEG, GIF, WebP) and reads its pixel size from the header,
 * without decoding it: what the attachment checks need (type and pixel budget), cheap enough for any thread.
 */
final class ImageHeaders {

    /** A recognised image: its media type and size (0 × 0 when the header does not say). */
    record Info(String mediaType, int width, int height) {
        long pixels() {
            return (long) width * height;
        }
    }

    private ImageHeaders() {
    }

    /** The image's type and size, or null when the bytes are none of the accepted formats. */
    static Info read(byte[] b) {
        if (b.length >= 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return new Info("image/png", be32(b, 16), be32(b, 20));
        }
        if (b.length >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return new Info("image/gif", le16(b, 6), le16(b, 8));
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return jpeg(b);
        }
        if (b.length >= 16 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return webp(b);
        }
        return null;
    }

    private static Info jpeg(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xff) != 0xff) {
                i++;
                continue;
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0xff) {
                i += marker == 0xff ? 1 : 2;
                continue;
            }
            int length = be16(b, i + 2);
            boolean sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (sof) {
                return new Info("image/jpeg", be16(b, i + 7), be16(b, i + 5));
            }
            i += 2 + length;
        }
        return new Info("image/jpeg", 0, 0);
    }

    private static Info webp(byte[] b) {
        if (b.length >= 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8') {
            if (b[15] == 'X') {
                return new Info("image/webp", 1 + le24(b, 24), 1 + le24(b, 27));
            }
            if (b[15] == 'L' && b.length >= 25) {
                int bits = (b[21] & 0xff) | (b[22] & 0xff) << 8 | (b[23] & 0xff) << 16 | (b[24] & 0xff) << 24;
                return new Info("image/webp", 1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff));
            }
            if (b[15] == ' ') {
                return new Info("image/webp", le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff);
            }
        }
        return new Info("image/webp", 0, 0);
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    private static int be16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static int le24(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
    }
}
