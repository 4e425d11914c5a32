package dev.companion.image.client;

import java.util.List;
import java.util.function.IntConsumer;

/** Something that turns a prompt into images. Blocking: workers call it off the event loop. */
public interface ImageProvider {

    /** Returns {@code spec.n()} encoded images (PNG); reports progress 0–100 along the way. */
    List<byte[]> generate(ImageSpec spec, IntConsumer progress);
}
