package dev.companion.download.service;

import com.luciad.imageio.webp.WebPImageWriterSpi;
import com.luciad.imageio.webp.WebPWriteParam;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.image.ImageHeader;
import dev.companion.download.config.DownloadConfig;
import dev.companion.download.model.OutputFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes an original, resizes it if asked and encodes it as PNG, JPEG (ImageIO) or WebP (libwebp
 * through webp-imageio). One image at a time in memory; callers run it on {@link ConversionWork}.
 *
 * <p>Budgets (issue #15), all checked on the header before anything is decoded: the source's
 * width × height × bytes per pixel (as ImageIO would decode it) must be within {@code max-decoded-bytes};
 * the output within {@code max-output-pixels}; and the output is never larger than the original
 * unless {@code upscale} is asked.
 */
@ApplicationScoped
public class ImageConverter {

    static {
        // AWT without a display: the service runs in containers and CI
        System.setProperty("java.awt.headless", "true");
    }

    private final long maxDecodedBytes;
    private final long maxOutputPixels;
    private final AtomicLong decodes = new AtomicLong();

    @Inject
    public ImageConverter(DownloadConfig config) {
        this(config.limits().maxDecodedBytes(), config.limits().maxOutputPixels());
    }

    ImageConverter(long maxDecodedBytes, long maxOutputPixels) {
        this.maxDecodedBytes = maxDecodedBytes;
        this.maxOutputPixels = maxOutputPixels;
    }

    /**
     * What to produce. {@code width}/{@code height} may be null; one alone keeps the aspect ratio. Without
     * {@code upscale} each bound is first clamped to the original's dimension (never larger than the original).
     */
    public record Options(OutputFormat format, int quality, Integer width, Integer height, boolean upscale) {
        public Options(OutputFormat format, int quality, Integer width, Integer height) {
            this(format, quality, width, height, false);
        }
    }

    /** A source or output over a budget; the caller names the image or field it came from. */
    public static final class TooLarge extends RuntimeException {
        /** {@code width} / {@code height} for the output budget; null for the source's. */
        public final String field;
        public final String constraint;
        public final long limit;
        public final Map<String, Object> facts;

        TooLarge(String field, String constraint, long limit, Map<String, Object> facts, String message) {
            super(message, null, false, false);
            this.field = field;
            this.constraint = constraint;
            this.limit = limit;
            this.facts = facts;
        }

        /** 400 {@code VALIDATION_ERROR}: {@code field} (the given one, else {@code imageField}), constraint, value = the limit. */
        public ApiException toApi(String imageField, String imageId) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("field", field != null ? field : imageField);
            d.put("constraint", constraint);
            d.put("value", limit);
            d.put("imageId", imageId);
            d.putAll(facts);
            return new ApiException(ErrorCode.VALIDATION_ERROR, "Image " + imageId + ": " + getMessage(), d);
        }
    }

    /** Decodes started so far (tests check that a refused source never got this far). */
    public long decodes() {
        return decodes.get();
    }

    /**
     * Converts the image read from {@code original}. Reads the header first; PNG→PNG at the original
     * size returns the original bytes untouched (nothing decoded).
     */
    public byte[] convert(InputStream original, Options options) throws IOException {
        // the compressed original (what image-service stored) in memory: the pass-through answer, and
        // never a cache file (the service writes nothing to the local disk)
        byte[] source = original.readAllBytes();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(source))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("the original is not a readable image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                checkSource(reader);
                int[] size = targetSize(w, h, options.width(), options.height(), options.upscale());
                if (options.format() == OutputFormat.PNG && size[0] == w && size[1] == h
                        && "png".equalsIgnoreCase(reader.getFormatName())) {
                    // lossless to lossless at the same size: the original bytes are the answer
                    return source;
                }
                checkOutput(size, options);
                decodes.incrementAndGet();
                BufferedImage image = reader.read(0);
                image = render(image, size[0], size[1], options.format() == OutputFormat.JPG);
                return encode(image, options.format(), options.quality());
            } finally {
                reader.dispose();
            }
        }
    }

    /** width × height × bytes per pixel of the raster ImageIO would allocate, refused before it is. */
    private void checkSource(ImageReader reader) throws IOException {
        ImageHeader header = ImageHeader.read(reader);
        if (header.exceeds(maxDecodedBytes)) {
            throw new TooLarge(null, "maxDecodedBytes", maxDecodedBytes, header.facts(), "the original is "
                    + header.describe() + ", more than the " + maxDecodedBytes + " bytes one image may take");
        }
    }

    private void checkOutput(int[] size, Options options) {
        long pixels = (long) size[0] * size[1];
        if (pixels > maxOutputPixels) {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("outputWidth", size[0]);
            facts.put("outputHeight", size[1]);
            facts.put("outputPixels", pixels);
            String field = options.width() == null && options.height() != null ? "height" : "width";
            throw new TooLarge(field, "maxOutputPixels", maxOutputPixels, facts, "the output would be " + size[0] + "×"
                    + size[1] + " (" + pixels + " pixels), more than the " + maxOutputPixels + " pixels allowed");
        }
    }

    /** Bits one pixel takes in the sample model's storage (common's {@link ImageHeader#bitsPerPixel}). */
    static int bitsPerPixel(SampleModel sm) {
        return ImageHeader.bitsPerPixel(sm);
    }

    /**
     * Target size: both bounds → exactly that; one bound → the other follows the aspect ratio. Without
     * {@code upscale} each bound is clamped to the original's dimension first, so nothing grows.
     */
    static int[] targetSize(int w, int h, Integer width, Integer height, boolean upscale) {
        if (!upscale) {
            width = width == null ? null : Math.min(width, w);
            height = height == null ? null : Math.min(height, h);
        }
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

    /**
     * The image at {@code width × height}; {@code opaque} (JPEG) flattens transparency onto white in the
     * same pass, so a resized JPEG holds one output raster, not two.
     */
    static BufferedImage render(BufferedImage image, int width, int height, boolean opaque) {
        boolean sameSize = width == image.getWidth() && height == image.getHeight();
        if (sameSize && !opaque) {
            return image;
        }
        if (sameSize && !image.getColorModel().hasAlpha() && image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        int type = opaque || !image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB;
        BufferedImage out = new BufferedImage(width, height, type);
        Graphics2D g = out.createGraphics();
        try {
            if (opaque) {
                // JPEG has no alpha: flatten onto white instead of letting transparent pixels go black
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, width, height);
            }
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, null);
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
                // render() flattened it already (opaque() is then the same image)
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
