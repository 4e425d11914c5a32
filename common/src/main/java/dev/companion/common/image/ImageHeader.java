package dev.companion.common.image;

import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an image's header says it will take once decoded, read from an ImageIO reader before any pixel is:
 * width, height and the bits one pixel takes in the raster ImageIO would allocate for it (a 16-bit RGBA
 * PNG is 64, an 8-bit RGB one 24, a 1-bit greyscale one 1). Every service that decodes images checks
 * {@link #decodedBytes()} against its budget first, so a small file claiming a huge raster (a
 * decompression bomb) is refused unread.
 */
public record ImageHeader(String format, int width, int height, int bitsPerPixel) {

    /** Reads the first image's header from a reader whose input is set; nothing is decoded. */
    public static ImageHeader read(ImageReader reader) throws IOException {
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types == null || !types.hasNext()) {
            throw new IOException("the image has no decodable image type");
        }
        return new ImageHeader(reader.getFormatName(), w, h, bitsPerPixel(types.next().getSampleModel()));
    }

    public long pixels() {
        return (long) width * height;
    }

    /** width × height × bits per pixel, in bytes (rounded up); saturates instead of overflowing. */
    public long decodedBytes() {
        long pixels = pixels();
        return pixels > Long.MAX_VALUE / bitsPerPixel ? Long.MAX_VALUE : (pixels * bitsPerPixel + 7) / 8;
    }

    public boolean exceeds(long maxDecodedBytes) {
        return decodedBytes() > maxDecodedBytes;
    }

    /** The facts a refusal reports: {@code width, height, bitsPerPixel, decodedBytes}. */
    public Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("width", width);
        facts.put("height", height);
        facts.put("bitsPerPixel", bitsPerPixel);
        facts.put("decodedBytes", decodedBytes());
        return facts;
    }

    /** "6300×6300 at 64 bits per pixel (317520000 bytes decoded)". */
    public String describe() {
        return width + "×" + height + " at " + bitsPerPixel + " bits per pixel (" + decodedBytes() + " bytes decoded)";
    }

    /** Bits one pixel takes in the sample model's storage (a packed int pixel is 32, 1-bit packed is 1). */
    public static int bitsPerPixel(SampleModel sm) {
        int typeBits = DataBuffer.getDataTypeSize(sm.getDataType());
        if (sm instanceof MultiPixelPackedSampleModel mpp) {
            return Math.max(1, mpp.getPixelBitStride());
        }
        if (sm instanceof SinglePixelPackedSampleModel) {
            return typeBits;
        }
        if (sm instanceof ComponentSampleModel csm) {
            int elements = Arrays.stream(csm.getBankIndices()).distinct().count() > 1
                    ? csm.getNumBands() : Math.max(csm.getPixelStride(), 1);
            return elements * typeBits;
        }
        return Math.max(1, sm.getNumDataElements()) * typeBits;
    }
}
