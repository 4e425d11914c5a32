package dev.companion.image.service;

import dev.companion.common.id.Ids;
import dev.companion.image.client.ImageSpec;
import dev.companion.image.client.OfflineArtRenderer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Pure logic: stable image ids, format sniffing, the offline renderer's output. */
class RenderedImagesTest {

    @Property(tries = 200)
    void imageIdsAreValidStableAndDistinctPerSlot(@ForAll @IntRange(min = 0, max = 3) int a, @ForAll @IntRange(min = 0, max = 3) int b) {
        String gen = Ids.newId("img_gen");
        String idA = RenderedImages.imageId(gen, a);
        assertTrue(Ids.isValid("img", idA), idA);
        assertEquals(idA, RenderedImages.imageId(gen, a));
        assertEquals(a == b, idA.equals(RenderedImages.imageId(gen, b)));
        // time part of the generation kept, so image ids sort with their generation
        assertEquals(gen.substring(8, 18), idA.substring(4, 14));
    }

    @Test
    void formatsAreRecognisedByContent() {
        assertEquals("png", RenderedImages.sniffFormat(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0}));
        assertEquals("jpeg", RenderedImages.sniffFormat(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}));
        assertEquals("gif", RenderedImages.sniffFormat("GIF89a....".getBytes()));
        assertEquals("webp", RenderedImages.sniffFormat("RIFF\0\0\0\0WEBPVP8 ".getBytes()));
        assertNull(RenderedImages.sniffFormat("<svg xmlns=...>".getBytes()));
        assertNull(RenderedImages.sniffFormat(new byte[0]));
    }

    @Test
    void offlineRendererDrawsTheRequestedSizeDeterministically() throws Exception {
        OfflineArtRenderer r = new OfflineArtRenderer();
        ImageSpec spec = new ImageSpec("A red fox in snow", "offline-art", 1024, 1792, "standard", "vivid", 1);
        byte[] one = r.render(spec, 0);
        assertArrayEquals(one, r.render(spec, 0));
        assertFalse(java.util.Arrays.equals(one, r.render(spec, 1)));
        assertFalse(java.util.Arrays.equals(one, r.render(new ImageSpec("A blue fox in snow", "offline-art", 1024, 1792, "standard", "vivid", 1), 0)));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(one));
        assertEquals(1024, img.getWidth());
        assertEquals(1792, img.getHeight());
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(RenderedImages.thumbnail(img, 256)));
        assertEquals(146, thumb.getWidth());
        assertEquals(256, thumb.getHeight());
    }
}
