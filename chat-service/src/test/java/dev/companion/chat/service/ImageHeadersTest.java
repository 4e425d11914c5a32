package dev.companion.chat.service;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The attachment checks read type and pixel size from real encoders' headers; and the image token estimate. */
class ImageHeadersTest {

    @Test
    void readsTypeAndSizeOfPngJpegAndGif() throws IOException {
        for (String format : new String[] {"png", "jpg", "gif"}) {
            ImageHeaders.Info info = ImageHeaders.read(encode(format, 321, 123));
            assertEquals(format.equals("jpg") ? "image/jpeg" : "image/" + format, info.mediaType());
            assertEquals(321, info.width(), format);
            assertEquals(123, info.height(), format);
        }
    }

    @Test
    void anythingElseIsNotAnImage() {
        assertNull(ImageHeaders.read("%PDF-1.7 not an image".getBytes(StandardCharsets.US_ASCII)));
        assertNull(ImageHeaders.read(new byte[0]));
    }

    @Test
    void imageTokensFollowOpenAisTileRule() {
        assertEquals(85, TokenCounter.imageTokens(4000, 4000, "low"));
        assertEquals(85 + 170, TokenCounter.imageTokens(512, 512, "auto"));
        // 2048x4096 → fit 1024x2048 → shortest side 768: 768x1536 → 2x3 tiles
        assertEquals(85 + 170 * 6, TokenCounter.imageTokens(2048, 4096, "high"));
    }

    private static byte[] encode(String format, int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }
}
