package dev.companion.image.service;

import dev.companion.common.image.ImageHeader;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;

/** Facts about and derivatives of image bytes: measured format and size, checksum, thumbnail, stable ids. */
public final class RenderedImages {

    private static final char[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private RenderedImages() {
    }

    /** The format by magic bytes: png, jpeg, gif, webp, or null. */
    public static String sniffFormat(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8' && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return "gif";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        return null;
    }

    /**
     * Decodes {@code bytes} after reading the header: an image whose width × height × bytes per pixel is
     * above {@code maxDecodedBytes} is refused ({@link IllegalArgumentException}) before any pixel is read.
     */
    public static BufferedImage decode(byte[] bytes, long maxDecodedBytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IllegalArgumentException("not a decodable image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageHeader header = ImageHeader.read(reader);
                if (header.exceeds(maxDecodedBytes)) {
                    throw new IllegalArgumentException("image is " + header.describe() + ", more than the "
                            + maxDecodedBytes + " bytes one image may take");
                }
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new IllegalArgumentException("not a decodable image");
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a decodable image: " + e.getMessage(), e);
        }
    }

    /** A PNG no larger than {@code max} on its longer side, aspect kept. */
    public static byte[] thumbnail(BufferedImage src, int max) {
        double scale = Math.min(1.0, (double) max / Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(src.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(out, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(digest(bytes));
    }

    /**
     * The image id of slot {@code index} of a generation: {@code img_} + the generation's time part + a hash
     * of (generation, index). The same slot always gets the same id, so a re-run job cannot add a second image.
     */
    public static String imageId(String generationId, int index) {
        String suffix = generationId.substring(generationId.length() - 26);
        byte[] d = digest((generationId + ":" + index).getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder("img_").append(suffix, 0, 10);
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (d[i] & 0xFF);
        }
        for (int i = 0; i < 12; i++) {
            sb.append(BASE32[(int) (bits & 31)]);
            bits >>>= 5;
        }
        int more = ((d[8] & 0xFF) << 12) | ((d[9] & 0xFF) << 4) | ((d[10] & 0xFF) >>> 4);
        for (int i = 0; i < 4; i++) {
            sb.append(BASE32[more & 31]);
            more >>>= 5;
        }
        return sb.toString();
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
