package dev.companion.download.service;

import dev.companion.download.model.OutputFormat;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The converter's budgets without the service: sizing rule, bits per pixel, refusals before decoding. */
class ImageConverterBudgetTest {

    @Test
    void boundsAreClampedToTheOriginalUnlessUpscaling() {
        assertThat(ImageConverter.targetSize(320, 200, 4096, null, false)).containsExactly(320, 200);
        assertThat(ImageConverter.targetSize(320, 200, null, 1000, false)).containsExactly(320, 200);
        assertThat(ImageConverter.targetSize(320, 200, 640, 100, false)).containsExactly(320, 100);
        assertThat(ImageConverter.targetSize(320, 200, 160, null, false)).containsExactly(160, 100);
        assertThat(ImageConverter.targetSize(320, 200, 640, null, true)).containsExactly(640, 400);
        assertThat(ImageConverter.targetSize(320, 200, 640, 100, true)).containsExactly(640, 100);
    }

    @Test
    void bitsPerPixelFollowTheRasterImageIoWouldAllocate() {
        assertThat(bits(BufferedImage.TYPE_INT_ARGB)).isEqualTo(32);
        assertThat(bits(BufferedImage.TYPE_INT_RGB)).isEqualTo(32);
        assertThat(bits(BufferedImage.TYPE_3BYTE_BGR)).isEqualTo(24);
        assertThat(bits(BufferedImage.TYPE_4BYTE_ABGR)).isEqualTo(32);
        assertThat(bits(BufferedImage.TYPE_BYTE_GRAY)).isEqualTo(8);
        assertThat(bits(BufferedImage.TYPE_USHORT_GRAY)).isEqualTo(16);
        assertThat(bits(BufferedImage.TYPE_BYTE_BINARY)).isEqualTo(1);
        assertThat(ImageConverter.bitsPerPixel(ImageTypeSpecifier.createBanded(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), new int[]{0, 1, 2},
                new int[]{0, 0, 0}, java.awt.image.DataBuffer.TYPE_USHORT, false, false).getSampleModel())).isEqualTo(48);
    }

    private static int bits(int type) {
        return ImageConverter.bitsPerPixel(ImageTypeSpecifier.createFromBufferedImageType(type).getSampleModel());
    }

    @Test
    void overEitherBudgetIsRefusedBeforeDecoding() throws Exception {
        byte[] png = png(100, 50);
        // 100 × 50 × 3 bytes (RGB) = 15,000 bytes decoded
        ImageConverter tight = new ImageConverter(14_999, 1_000_000);
        assertThatThrownBy(() -> tight.convert(new ByteArrayInputStream(png),
                new ImageConverter.Options(OutputFormat.JPG, 90, null, null)))
                .isInstanceOfSatisfying(ImageConverter.TooLarge.class, e -> {
                    assertThat(e.constraint).isEqualTo("maxDecodedBytes");
                    assertThat(e.field).isNull();
                    assertThat(e.facts).containsEntry("decodedBytes", 15_000L).containsEntry("bitsPerPixel", 24);
                });
        assertThat(tight.decodes()).isZero();

        ImageConverter fewPixels = new ImageConverter(1_000_000, 4_999);
        assertThatThrownBy(() -> fewPixels.convert(new ByteArrayInputStream(png),
                new ImageConverter.Options(OutputFormat.WEBP, 90, null, 50)))
                .isInstanceOfSatisfying(ImageConverter.TooLarge.class, e -> {
                    assertThat(e.constraint).isEqualTo("maxOutputPixels");
                    assertThat(e.field).isEqualTo("height");
                });
        // the pass-through renders nothing, so only the source budget applies to it
        assertThat(fewPixels.convert(new ByteArrayInputStream(png), new ImageConverter.Options(OutputFormat.PNG, 90, null, null)))
                .isEqualTo(png);
        // a downscale under the cap is fine
        assertThat(fewPixels.convert(new ByteArrayInputStream(png), new ImageConverter.Options(OutputFormat.PNG, 90, 50, null)))
                .isNotEmpty();
        assertThat(fewPixels.decodes()).isEqualTo(1);
    }

    private static byte[] png(int w, int h) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }
}
