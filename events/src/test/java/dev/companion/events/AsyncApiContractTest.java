package dev.companion.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Holds docs/asyncapi.yaml to the records of {@link EventTypes}, in both directions: a message per type on the
 * channel of its topic, its data schema's properties exactly the record's components (JSON names) with
 * compatible types, {@code required} exactly the components without {@link Nullable}, nested records and
 * lists included; the key rule ({@code x-key}) agrees with {@link CompanionEvent#keyFor}; the examples decode.
 *
 * <p>The file is {@code -Dasyncapi.file} (set by the module's POM), else {@code ../docs/asyncapi.yaml} from the
 * module directory.
 */
class AsyncApiContractTest {

    /** The components of {@code dev.companion.common.events.EventEnvelope}, which this module does not see. */
    private static final Set<String> ENVELOPE_FIELDS = Set.of("id", "type", "occurredAt", "userId", "requestId", "data");
    private static final String ENVELOPE_USER = "user_of_the_envelope";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode doc;
    private static final Set<String> referencedSchemas = new HashSet<>();

    @BeforeAll
    static void load() throws IOException {
        Path file = Path.of(System.getProperty("asyncapi.file", "../docs/asyncapi.yaml"));
        assertTrue(Files.isRegularFile(file), "AsyncAPI document not found at " + file.toAbsolutePath());
        doc = new YAMLMapper().readTree(file.toFile());
    }

    @Test
    void isAnAsyncApi3DocumentWithAKafkaServer() {
        assertEquals("3.0.0", doc.path("asyncapi").asText());
        assertEquals("application/json", doc.path("defaultContentType").asText());
        doc.path("servers").forEach(s -> assertEquals("kafka", s.path("protocol").asText()));
    }

    @Test
    void channelsAreExactlyTheTopics() {
        Set<String> topics = new TreeSet<>();
        EventTypes.all().forEach(e -> topics.add(e.topic()));
        Set<String> addresses = new TreeSet<>();
        doc.path("channels").forEach(c -> addresses.add(c.path("address").asText()));
        assertEquals(topics, addresses);
    }

    @Test
    void messagesAreExactlyTheEventTypes() {
        List<String> names = new ArrayList<>();
        doc.path("components").path("messages").forEach(m -> names.add(m.path("name").asText()));
        assertEquals(names.size(), new HashSet<>(names).size(), "message names are unique: " + names);
        Set<String> types = new TreeSet<>();
        EventTypes.all().forEach(e -> types.add(e.type()));
        assertEquals(types, new TreeSet<>(names));
    }

    @Test
    void everyChannelMessageAndOperationReferenceResolves() {
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("channels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> channel = it.next();
            channel.getValue().path("messages").forEach(ref -> assertFalse(resolve(ref).isMissingNode(), channel.getKey() + ": " + ref));
        }
        doc.path("operations").forEach(op -> {
            assertFalse(resolve(op.path("channel")).isMissingNode(), op.toString());
            op.path("messages").forEach(ref -> assertFalse(resolve(ref).isMissingNode(), ref.toString()));
        });
    }

    @Test
    void envelopeAndHeaders() {
        JsonNode envelope = schema("EventEnvelope");
        assertEquals(ENVELOPE_FIELDS, names(envelope.path("properties")));
        Shape requestId = shape(envelope.path("properties").path("requestId"));
        assertTrue(requestId.nullable(), "requestId may be null (work without a request)");
        assertEquals(Set.of("id", "type", "occurredAt", "userId", "data"), texts(envelope.path("required")));

        JsonNode headers = schema("EventHeaders");
        assertEquals(Set.of("ce_id", "ce_type", "traceparent"), names(headers.path("properties")));
        assertEquals(Set.of("ce_id", "ce_type"), texts(headers.path("required")));
    }

    @TestFactory
    Stream<DynamicTest> everyRecordIsDocumentedOnItsChannel() {
        return EventTypes.all().stream().map(entry -> DynamicTest.dynamicTest(entry.type(), () -> checkMessage(entry)));
    }

    @Test
    void everySchemaIsUsed() {
        EventTypes.all().forEach(this::checkMessage);
        referencedSchemas.add("EventHeaders");
        Set<String> defined = names(doc.path("components").path("schemas"));
        Set<String> unused = new TreeSet<>(defined);
        unused.removeAll(referencedSchemas);
        assertEquals(Set.of(), unused, "schemas no message reaches");
    }

    private void checkMessage(EventTypes.Entry entry) {
        String messageKey = messageKey(entry.type());
        JsonNode message = doc.path("components").path("messages").path(messageKey);
        String where = entry.type() + " (components/messages/" + messageKey + ")";

        // on the channel of its topic, and no other; sent by an operation of that channel
        String ref = "#/components/messages/" + messageKey;
        List<String> channels = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("channels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            for (JsonNode m : c.getValue().path("messages")) {
                if (ref.equals(m.path("$ref").asText())) {
                    channels.add(c.getKey());
                }
            }
        }
        assertEquals(1, channels.size(), where + " is on exactly one channel: " + channels);
        String channelKey = channels.get(0);
        assertEquals(entry.topic(), doc.path("channels").path(channelKey).path("address").asText(), where + " channel address");
        String opRef = "#/channels/" + channelKey + "/messages/" + messageKey;
        boolean sent = false;
        for (JsonNode op : doc.path("operations")) {
            if ("send".equals(op.path("action").asText()) && ("#/channels/" + channelKey).equals(op.path("channel").path("$ref").asText())) {
                for (JsonNode m : op.path("messages")) {
                    sent |= opRef.equals(m.path("$ref").asText());
                }
            }
        }
        assertTrue(sent, where + " is listed by a send operation of " + channelKey);

        // headers (own or from a trait), a string key binding, a summary
        JsonNode headers = message.path("headers");
        for (JsonNode trait : message.path("traits")) {
            if (headers.isMissingNode()) {
                headers = resolve(trait).path("headers");
            }
        }
        assertEquals("#/components/schemas/EventHeaders", headers.path("$ref").asText(), where + " headers");
        assertEquals("string", message.path("bindings").path("kafka").path("key").path("type").asText(), where + " kafka key binding");
        assertFalse(message.path("summary").asText().isBlank(), where + " summary");

        // payload: the envelope, its type constant, and data
        JsonNode allOf = message.path("payload").path("allOf");
        assertEquals(2, allOf.size(), where + " payload is allOf [envelope, {type, data}]");
        assertEquals("#/components/schemas/EventEnvelope", allOf.get(0).path("$ref").asText(), where);
        referencedSchemas.add("EventEnvelope");
        assertEquals(entry.type(), allOf.get(1).path("properties").path("type").path("const").asText(), where + " type const");
        JsonNode data = allOf.get(1).path("properties").path("data");
        assertTrue(data.has("$ref"), where + " data is a $ref");
        Shape shape = shape(data);
        assertEquals("object", shape.type(), where + " data type");
        assertFalse(shape.nullable(), where + " data is never null");
        compareObject(entry.recordClass(), shape.schema(), entry.type() + ".data");

        // the key rule agrees with the record's key()
        String keyRule = message.path("x-key").asText();
        assertFalse(keyRule.isBlank(), where + " x-key");
        checkKeyRule(entry, keyRule, ProducerSamples.BY_TYPE.get(entry.type()));
        String variant = ProducerSamples.VARIANTS.get(entry.type());
        if (variant != null) {
            checkKeyRule(entry, keyRule, variant);
        }

        // examples are real events
        for (JsonNode example : message.path("examples")) {
            checkExample(entry, example, where);
        }
    }

    private static void checkKeyRule(EventTypes.Entry entry, String rule, String sampleJson) {
        try {
            JsonNode data = JSON.readTree(sampleJson);
            CompanionEvent event = EventTypes.decode(JSON, entry.type(), data).orElseThrow();
            String expected = null;
            for (String part : rule.split(", else ")) {
                String value;
                if (part.equals("envelope.userId")) {
                    value = ENVELOPE_USER;
                    assertNull(event.key(), entry.type() + ": keyed by the envelope, so key() is null");
                } else if (part.startsWith("data.")) {
                    JsonNode v = data.path(part.substring("data.".length()));
                    value = v.isTextual() ? v.asText() : null;
                } else {
                    throw new AssertionError(entry.type() + ": x-key part not understood: " + part);
                }
                if (value != null) {
                    expected = value;
                    break;
                }
            }
            assertNotNull(expected, entry.type() + ": x-key gives no key for the sample");
            assertEquals(expected, event.keyFor(ENVELOPE_USER), entry.type() + ": key() vs x-key " + rule);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void checkExample(EventTypes.Entry entry, JsonNode example, String where) {
        JsonNode payload = example.path("payload");
        String name = where + " example '" + example.path("name").asText() + "'";
        assertEquals(ENVELOPE_FIELDS, names(payload), name + " envelope fields");
        assertEquals(entry.type(), payload.path("type").asText(), name);
        assertEquals(payload.path("id").asText(), example.path("headers").path("ce_id").asText(), name + " ce_id");
        assertEquals(entry.type(), example.path("headers").path("ce_type").asText(), name + " ce_type");
        try {
            CompanionEvent event = EventTypes.decode(JSON, entry.type(), payload.path("data")).orElseThrow();
            JsonNode written = JSON.valueToTree(event);
            assertTrue(payload.path("data").equals(AsyncApiContractTest::sameValue, written),
                    name + " data re-encodes unchanged: " + written);
            assertEquals(List.of(), EventTypes.nullRequiredFields((Record) event), name + " required fields");
        } catch (IllegalArgumentException e) {
            fail(name + ": " + e.getMessage());
        }
    }

    /** Node equality where 1 (int, from YAML) equals 1L (long, from a record). */
    private static int sameValue(JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return 0;
        }
        return a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
    }

    private static void compareObject(Class<?> recordClass, JsonNode schema, String path) {
        assertTrue(recordClass.isRecord(), path + ": " + recordClass + " is a record");
        assertEquals("object", schema.path("type").asText(), path + " schema type");
        Map<String, RecordComponent> components = new LinkedHashMap<>();
        for (RecordComponent c : recordClass.getRecordComponents()) {
            components.put(EventTypes.wireName(c), c);
        }
        JsonNode properties = schema.path("properties");
        assertEquals(new TreeSet<>(components.keySet()), new TreeSet<>(names(properties)),
                path + ": schema properties vs components of " + recordClass.getSimpleName());
        Set<String> required = new TreeSet<>();
        components.forEach((name, c) -> {
            if (!c.isAnnotationPresent(Nullable.class)) {
                required.add(name);
            }
        });
        assertEquals(required, new TreeSet<>(texts(schema.path("required"))),
                path + ": required vs components of " + recordClass.getSimpleName() + " without @Nullable");
        components.forEach((name, c) -> {
            boolean nullable = c.isAnnotationPresent(Nullable.class);
            assertFalse(nullable && c.getType().isPrimitive(), path + "." + name + ": a primitive cannot be @Nullable");
            compareValue(c.getGenericType(), nullable, properties.path(name), path + "." + name);
            if (name.endsWith("At")) {
                assertEquals("date-time", shape(properties.path(name)).schema().path("format").asText(), path + "." + name + " format");
            }
        });
    }

    private static void compareValue(Type javaType, boolean nullable, JsonNode property, String path) {
        Shape shape = shape(property);
        Class<?> raw = javaType instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) javaType;
        assertEquals(jsonType(raw, path), shape.type(), path + " type");
        assertEquals(nullable, shape.nullable(), path + (nullable ? " is @Nullable, so the schema must allow null"
                : " is required, so the schema must not allow null"));
        if (List.class.isAssignableFrom(raw)) {
            Type element = ((ParameterizedType) javaType).getActualTypeArguments()[0];
            compareValue(element, false, shape.schema().path("items"), path + "[]");
        } else if (raw.isRecord()) {
            compareObject(raw, shape.schema(), path);
        }
    }

    private static String jsonType(Class<?> raw, String path) {
        if (raw == String.class) {
            return "string";
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "integer";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "boolean";
        }
        if (raw == double.class || raw == Double.class) {
            return "number";
        }
        if (List.class.isAssignableFrom(raw)) {
            return "array";
        }
        if (raw.isRecord()) {
            return "object";
        }
        throw new AssertionError(path + ": no JSON type for " + raw);
    }

    /** A property schema reduced to its one non-null JSON type, whether null is allowed, and the schema to go on with. */
    private record Shape(String type, boolean nullable, JsonNode schema) {
    }

    private static Shape shape(JsonNode property) {
        if (property.isMissingNode()) {
            throw new AssertionError("missing schema");
        }
        if (property.has("$ref")) {
            return shape(resolve(property));
        }
        if (property.has("oneOf")) {
            boolean nullable = false;
            Shape other = null;
            for (JsonNode alt : property.path("oneOf")) {
                if ("null".equals(alt.path("type").asText())) {
                    nullable = true;
                } else {
                    assertNull(other, "oneOf with more than one non-null alternative: " + property);
                    other = shape(alt);
                }
            }
            assertNotNull(other, "oneOf of only null: " + property);
            return new Shape(other.type(), nullable || other.nullable(), other.schema());
        }
        JsonNode type = property.path("type");
        if (type.isTextual()) {
            return new Shape(type.asText(), false, property);
        }
        if (type.isArray()) {
            Set<String> types = texts(type);
            boolean nullable = types.remove("null");
            assertEquals(1, types.size(), "one non-null type in " + type);
            return new Shape(types.iterator().next(), nullable, property);
        }
        throw new AssertionError("schema without type, $ref or oneOf: " + property);
    }

    private static JsonNode resolve(JsonNode refHolder) {
        String ref = refHolder.path("$ref").asText();
        assertTrue(ref.startsWith("#/"), "local $ref expected: " + refHolder);
        String schemasPrefix = "#/components/schemas/";
        if (ref.startsWith(schemasPrefix)) {
            referencedSchemas.add(ref.substring(schemasPrefix.length()));
        }
        JsonNode target = doc.at(ref.substring(1));
        assertFalse(target.isMissingNode(), "unresolved $ref " + ref);
        return target;
    }

    private static JsonNode schema(String name) {
        JsonNode s = doc.path("components").path("schemas").path(name);
        assertFalse(s.isMissingNode(), "components/schemas/" + name);
        return s;
    }

    private static String messageKey(String type) {
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("components").path("messages").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (type.equals(m.getValue().path("name").asText())) {
                return m.getKey();
            }
        }
        throw new AssertionError("no message named " + type + " in components/messages");
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
