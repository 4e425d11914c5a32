package dev.companion.download.service;

import com.luciad.imageio.webp.WebPImageWriterSpi;
import com.luciad.imageio.webp.WebPWriteParam;
import dev.companion.download.model.OutputFormat;
import jakarta.enterprise.context.ApplicationScoped;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;

/**
 * Decodes an original, resizes it if asked and encodes it as PNG, JPEG (ImageIO) or WebP (libwebp
 * through webp-imageio). One image at a time in memory; callers run it on worker threads.
 */
@ApplicationScoped
public class ImageConverter {

    static {
        // AWT without a display: the service runs in containers and CI
        System.setProperty("java.awt.headless", "true");
    }

    /** What to produce. {@code width}/{@code height} may be null; one alone keeps the aspect ratio. */
    public record Options(OutputFormat format, int quality, Integer width, Integer height) {
        boolean resizes() {
            return width != null || height != null;
        }
    }

    /** Converts the image read from {@code original}; {@code sourceFormat} (e.g. "png") lets PNG→PNG pass through untouched. */
    public byte[] convert(InputStream original, String sourceFormat, Options options) throws IOException {
        if (options.format() == OutputFormat.PNG && !options.resizes() && "png".equalsIgnoreCase(sourceFormat)) {
            // lossless to lossless at the same size: the original bytes are the answer
            return original.readAllBytes();
        }
        BufferedImage image = ImageIO.read(original);
        if (image == null) {
            throw new IOException("the original is not a readable image");
        }
        image = resize(image, options.width(), options.height());
        return encode(image, options.format(), options.quality());
    }

    /** Target size: both bounds → exactly that; one bound → the other follows the aspect ratio. */
    static int[] targetSize(int w, int h, Integer width, Integer height) {
        if (width != null && height != null) {
            return new int[]{width, height};
        }
        if (width != null) {
            return new int[]{width, Math.max(1, (int) Math.round((double) h * width / w))};
        }
        if (height != null) {
            return new int[]{Math.max(1, (int) Math.round((double) w * height / h)), height};
        }
        return new int[]{w, h};
    }

    static BufferedImage resize(BufferedImage image, Integer width, Integer height) {
        int[] size = targetSize(image.getWidth(), image.getHeight(), width, height);
        if (size[0] == image.getWidth() && size[1] == image.getHeight()) {
            return image;
        }
        int type = image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage out = new BufferedImage(size[0], size[1], type);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, size[0], size[1], null);
        } finally {
            g.dispose();
        }
        return out;
    }

    static byte[] encode(BufferedImage image, OutputFormat format, int quality) throws IOException {
        return switch (format) {
            case PNG -> write(pngWriter(), image, null);
            case JPG -> {
                ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
                // JPEG has no alpha: flatten onto white instead of letting transparent pixels go black
                yield write(writer, opaque(image), param);
            }
            case WEBP -> {
                ImageWriter writer = new WebPImageWriterSpi().createWriterInstance();
                WebPWriteParam param = new WebPWriteParam(writer.getLocale());
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType(param.getCompressionTypes()[WebPWriteParam.LOSSY_COMPRESSION]);
                param.setCompressionQuality(quality / 100f);
                yield write(writer, image, param);
            }
        };
    }

    private static ImageWriter pngWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        return writers.next();
    }

    private static BufferedImage opaque(BufferedImage image) {
        if (!image.getColorModel().hasAlpha() && image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
