package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Today's producer JSON decodes into the records and re-encodes to the same bytes; decode's edges. */
class EventRoundTripTest {

    /** Like the services' mapper: fail-on-unknown-properties is on there (application.properties). */
    private static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @Test
    void everyTypeHasAProducerSample() {
        Set<String> registered = new TreeSet<>();
        EventTypes.all().forEach(e -> registered.add(e.type()));
        assertEquals(registered, new TreeSet<>(ProducerSamples.BY_TYPE.keySet()));
    }

    @TestFactory
    Stream<DynamicTest> producerJsonDecodesAndReEncodesUnchanged() {
        List<Map.Entry<String, String>> samples = new ArrayList<>(ProducerSamples.BY_TYPE.entrySet());
        samples.addAll(ProducerSamples.VARIANTS.entrySet());
        return samples.stream().map(s -> DynamicTest.dynamicTest(s.getKey(), () -> {
            String type = s.getKey();
            JsonNode data = MAPPER.readTree(s.getValue());
            EventTypes.Entry entry = EventTypes.find(type).orElseThrow();

            CompanionEvent event = EventTypes.decode(MAPPER, type, data).orElseThrow();

            assertEquals(entry.recordClass(), event.getClass());
            assertEquals(type, event.type());
            assertEquals(entry.topic(), event.topic());
            assertEquals(MAPPER.writeValueAsString(data), MAPPER.writeValueAsString(event), "re-encoded JSON (field order too)");
            assertEquals(List.of(), EventTypes.nullRequiredFields((Record) event), "required fields of the sample");
        }));
    }

    @TestFactory
    Stream<DynamicTest> unknownFieldsAreIgnoredEvenWithAStrictMapper() {
        return ProducerSamples.BY_TYPE.entrySet().stream().map(s -> DynamicTest.dynamicTest(s.getKey(), () -> {
            ObjectNode data = (ObjectNode) MAPPER.readTree(s.getValue());
            CompanionEvent plain = EventTypes.decode(MAPPER, s.getKey(), data).orElseThrow();
            data.put("addedByANewerProducer", 42);
            assertEquals(plain, EventTypes.decode(MAPPER, s.getKey(), data).orElseThrow());
        }));
    }

    @Test
    void nullsAreWrittenWhateverTheMappersInclusion() throws Exception {
        ObjectMapper nonNull = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        ImageDeleted deleted = new ImageDeleted(List.of("img_1"), "img_gen_1", null, null);
        assertEquals("{\"imageIds\":[\"img_1\"],\"generationId\":\"img_gen_1\",\"chatId\":null,\"projectId\":null}",
                nonNull.writeValueAsString(deleted));
    }

    @Test
    void downloadTypeTravelsAsTypeAndDoesNotHideTheEventType() throws Exception {
        DownloadReady ready = (DownloadReady) EventTypes.decode(MAPPER, DownloadReady.TYPE,
                MAPPER.readTree(ProducerSamples.BY_TYPE.get(DownloadReady.TYPE))).orElseThrow();
        assertEquals("bulk", ready.downloadType());
        assertEquals("download.ready", ready.type());
        JsonNode written = MAPPER.valueToTree(ready);
        assertEquals("bulk", written.get("type").asText());
        assertFalse(written.has("downloadType"));
        assertFalse(written.has("topic"), "type()/topic()/key() are not payload fields");
        assertFalse(written.has("key"));
    }

    @Test
    void keysFollowTheArchitectureTable() {
        ProjectCreated project = new ProjectCreated("proj_1", "user_1", "P", null, List.of(), null,
                new ProjectSettings(true, true, true), false, "t", "t");
        assertEquals("proj_1", project.key());
        assertEquals("proj_1", new InstructionDeleted("inst_1", "user_1", "project", "proj_1", null).key());
        assertEquals("user_1", new InstructionDeleted("inst_1", "user_1", "global", null, null).key());
        assertEquals("chat_1", new MessageChunk("chat_1", "msg_1", "x", 0).key());
        assertEquals("user_1", new UserDeleted("user_1").key());
        assertEquals("img_gen_1", new ImageProgress("img_gen_1", 5, "generating").key());
        DownloadFailed failed = new DownloadFailed("dl_1", new ErrorInfo("SERVER_ERROR", "x"));
        assertNull(failed.key());
        assertEquals("user_1", failed.keyFor("user_1"));
        assertEquals("proj_1", project.keyFor("user_1"));
    }

    @Test
    void unknownTypesDecodeToNothing() {
        assertTrue(EventTypes.decode(MAPPER, "project.renamed", MAPPER.createObjectNode()).isEmpty());
        assertTrue(EventTypes.decode(MAPPER, null, MAPPER.createObjectNode()).isEmpty());
    }

    @Test
    void aKnownTypeWithAnUnreadablePayloadIsAnIllegalArgument() throws Exception {
        JsonNode bad = MAPPER.readTree("{\"chatId\":\"chat_1\",\"messageId\":\"msg_1\",\"content\":\"x\",\"index\":\"first\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventTypes.decode(MAPPER, "message.chunk", bad));
        assertTrue(e.getMessage().contains("message.chunk"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EventTypes.decode(MAPPER, "message.chunk", null));
    }

    @Test
    void decodeByFamilyPassesOverOtherTopics() throws Exception {
        JsonNode chat = MAPPER.readTree(ProducerSamples.BY_TYPE.get("chat.created"));
        assertTrue(EventTypes.decode(MAPPER, "chat.created", chat, ProjectEvent.class).isEmpty());
        ChatSnapshot snapshot = EventTypes.decode(MAPPER, "chat.created", chat, ChatSnapshot.class).orElseThrow();
        assertEquals("New chat", snapshot.name());
        assertInstanceOf(ChatCreated.class, snapshot);
    }

    @Test
    void decodeTakesAnEnvelope() throws Exception {
        JsonNode data = MAPPER.readTree(ProducerSamples.BY_TYPE.get("image.progress"));
        TypedPayload envelope = new TypedPayload() {
            @Override
            public String type() {
                return "image.progress";
            }

            @Override
            public JsonNode data() {
                return data;
            }
        };
        assertEquals(new ImageProgress("img_gen_01JDA3P4R6T8V0X2Z4B6D8F0H2", 45, "generating"),
                EventTypes.decode(MAPPER, envelope).orElseThrow());
    }

    @Test
    void snapshotFactoriesPickTheRecordOfTheType() {
        ProjectSettings s = new ProjectSettings(true, false, true);
        assertInstanceOf(ProjectArchived.class, ProjectSnapshot.of("project.archived", "p", "u", "n", null, List.of(), null, s, true, "t", "t"));
        assertInstanceOf(ProjectUpdated.class, ProjectSnapshot.of("project.updated", "p", "u", "n", null, List.of(), null, s, false, "t", "t"));
        assertInstanceOf(ChatUpdated.class, ChatSnapshot.of("chat.updated", "c", "p", "u", "n", "m", false, false, 1, "t", "t"));
        assertInstanceOf(InstructionCreated.class, InstructionSnapshot.of("instruction.created", "i", "u", "n", "global", null, null,
                "append", new InstructionContent(null, null, List.of(), List.of()), "t", "t"));
        assertInstanceOf(UserRegistered.class, UserSnapshot.of("user.registered", "u", "e", "n", "free", List.of("user")));
        assertThrows(IllegalArgumentException.class, () -> ChatSnapshot.of("chat.deleted", "c", "p", "u", "n", "m", false, false, 1, "t", "t"));
    }

    @Test
    void nullRequiredFieldsNamesNestedPaths() {
        MessageError error = new MessageError("chat_1", null, new ErrorInfo(null, "m"));
        assertEquals(List.of("messageId", "error.code"), EventTypes.nullRequiredFields(error));
        BatchComplete batch = new BatchComplete("chat_1", "batch_1", "parallel",
                List.of(new BatchItemOutcome(0, null, null, null)));
        assertEquals(List.of("items[0].status"), EventTypes.nullRequiredFields(batch));
    }
}
