package dev.companion.download.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.events.EventEnvelope;
import dev.companion.download.model.ImageRef;
import dev.companion.events.EventTypes;
import dev.companion.events.ImageComplete;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the read model keeps of an image.complete decoded into its record: the record's primitives read 0
 * when an older producer left width, height or bytes out, and 0 is "not said" (the seed's size "WxH" then
 * gives the dimensions), as it was before the typed contract.
 */
class ReadModelConsumerTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private ImageRef ref(String imageJson) throws Exception {
        String data = "{\"generationId\":\"gen_1\",\"chatId\":null,\"projectId\":\"proj_1\",\"prompt\":\"a fox\",\"images\":["
                + imageJson + "],\"somethingNewer\":true}";
        EventEnvelope event = new EventEnvelope("evt_1", ImageComplete.TYPE, "2026-01-01T00:00:00.000Z", "user_1", null,
                mapper.readTree(data));
        ImageComplete c = (ImageComplete) EventTypes.decode(mapper, event).orElseThrow();
        return ReadModelConsumer.toRef(event, c, c.images().get(0));
    }

    @Test
    void everyFieldImageServiceWritesIsKept() throws Exception {
        ImageRef r = ref("{\"id\":\"img_1\",\"url\":\"u\",\"thumbnailUrl\":\"t\",\"size\":\"1024x768\",\"format\":\"png\","
                + "\"createdAt\":\"2025-01-02T03:04:05.678Z\",\"width\":1024,\"height\":768,\"bytes\":4096,"
                + "\"checksum\":\"sha256:x\",\"storageKey\":\"images/k.png\"}");
        assertThat(r.id).isEqualTo("img_1");
        assertThat(r.userId).isEqualTo("user_1");
        assertThat(r.generationId).isEqualTo("gen_1");
        assertThat(r.chatId).isNull();
        assertThat(r.projectId).isEqualTo("proj_1");
        assertThat(r.prompt).isEqualTo("a fox");
        assertThat(r.format).isEqualTo("png");
        assertThat(r.width).isEqualTo(1024);
        assertThat(r.height).isEqualTo(768);
        assertThat(r.bytes).isEqualTo(4096L);
        assertThat(r.storageKey).isEqualTo("images/k.png");
        assertThat(r.createdAt).isEqualTo(Instant.parse("2025-01-02T03:04:05.678Z"));
    }

    @Test
    void absentMetadataFallsBackToTheSeedFieldsAndTheEnvelope() throws Exception {
        ImageRef r = ref("{\"id\":\"img_2\",\"size\":\"640x480\",\"format\":\"jpeg\",\"storageKey\":\"images/k.jpg\"}");
        assertThat(r.width).isEqualTo(640);
        assertThat(r.height).isEqualTo(480);
        assertThat(r.bytes).isNull();
        assertThat(r.createdAt).isEqualTo(Instant.parse("2026-01-01T00:00:00.000Z"));

        ImageRef none = ref("{\"id\":\"img_3\",\"size\":\"large\",\"storageKey\":\"images/k\"}");
        assertThat(none.width).isNull();
        assertThat(none.height).isNull();
    }
}
