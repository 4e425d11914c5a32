package dev.companion.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every event type of the system: its type string, its topic and the record of its {@code data}. Consumers
 * decode with {@link #decode(ObjectMapper, String, JsonNode)}; docs/asyncapi.yaml is checked against this
 * table by the module's tests, in both directions.
 */
public final class EventTypes {

    /** One event type: {@code type} on the wire, the {@code topic} it travels on, the record of its data. */
    public record Entry(String type, String topic, Class<? extends CompanionEvent> recordClass) {
    }

    private static final Map<String, Entry> BY_TYPE = new LinkedHashMap<>();

    static {
        add(UserRegistered.TYPE, EventTopics.USER_EVENTS, UserRegistered.class);
        add(UserUpdated.TYPE, EventTopics.USER_EVENTS, UserUpdated.class);
        add(UserDeleted.TYPE, EventTopics.USER_EVENTS, UserDeleted.class);

        add(ProjectCreated.TYPE, EventTopics.PROJECT_EVENTS, ProjectCreated.class);
        add(ProjectUpdated.TYPE, EventTopics.PROJECT_EVENTS, ProjectUpdated.class);
        add(ProjectArchived.TYPE, EventTopics.PROJECT_EVENTS, ProjectArchived.class);
        add(ProjectDeleted.TYPE, EventTopics.PROJECT_EVENTS, ProjectDeleted.class);
        add(InstructionCreated.TYPE, EventTopics.PROJECT_EVENTS, InstructionCreated.class);
        add(InstructionUpdated.TYPE, EventTopics.PROJECT_EVENTS, InstructionUpdated.class);
        add(InstructionDeleted.TYPE, EventTopics.PROJECT_EVENTS, InstructionDeleted.class);

        add(ChatCreated.TYPE, EventTopics.CHAT_EVENTS, ChatCreated.class);
        add(ChatUpdated.TYPE, EventTopics.CHAT_EVENTS, ChatUpdated.class);
        add(ChatDeleted.TYPE, EventTopics.CHAT_EVENTS, ChatDeleted.class);
        add(MessageCreated.TYPE, EventTopics.CHAT_EVENTS, MessageCreated.class);
        add(MessageChunk.TYPE, EventTopics.CHAT_STREAM, MessageChunk.class);
        add(MessageComplete.TYPE, EventTopics.CHAT_EVENTS, MessageComplete.class);
        add(MessageError.TYPE, EventTopics.CHAT_EVENTS, MessageError.class);
        add(BatchComplete.TYPE, EventTopics.CHAT_EVENTS, BatchComplete.class);

        add(ImageRequested.TYPE, EventTopics.IMAGE_JOBS, ImageRequested.class);

        add(ImageProgress.TYPE, EventTopics.IMAGE_EVENTS, ImageProgress.class);
        add(ImageComplete.TYPE, EventTopics.IMAGE_EVENTS, ImageComplete.class);
        add(ImageFailed.TYPE, EventTopics.IMAGE_EVENTS, ImageFailed.class);
        add(ImageDeleted.TYPE, EventTopics.IMAGE_EVENTS, ImageDeleted.class);

        add(DownloadReady.TYPE, EventTopics.DOWNLOAD_EVENTS, DownloadReady.class);
        add(DownloadFailed.TYPE, EventTopics.DOWNLOAD_EVENTS, DownloadFailed.class);
    }

    private EventTypes() {
    }

    private static void add(String type, String topic, Class<? extends CompanionEvent> recordClass) {
        BY_TYPE.put(type, new Entry(type, topic, recordClass));
    }

    /** All event types, grouped by topic in the order of ARCHITECTURE.md. */
    public static Collection<Entry> all() {
        return Collections.unmodifiableCollection(BY_TYPE.values());
    }

    /** The entry of {@code type}; empty for a type this contract does not know (a newer producer, say). */
    public static Optional<Entry> find(String type) {
        return Optional.ofNullable(type == null ? null : BY_TYPE.get(type));
    }

    /**
     * Decodes {@code data} into the record of {@code type}. Empty when the type is unknown, so a consumer can
     * pass over types it does not handle. Unknown fields inside {@code data} are ignored (forward compatible),
     * whatever the mapper's fail-on-unknown-properties says.
     *
     * @throws IllegalArgumentException the type is known but {@code data} is missing or does not fit its record
     */
    public static Optional<CompanionEvent> decode(ObjectMapper mapper, String type, JsonNode data) {
        Optional<Entry> entry = find(type);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        if (data == null || !data.isObject()) {
            throw new IllegalArgumentException("event " + type + " has no data object");
        }
        try {
            return Optional.of(mapper.treeToValue(data, entry.get().recordClass()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("event " + type + " has an unreadable payload: " + e.getMessage(), e);
        }
    }

    /** {@link #decode(ObjectMapper, String, JsonNode)} of an envelope (anything with {@code type()} and {@code data()}). */
    public static Optional<CompanionEvent> decode(ObjectMapper mapper, TypedPayload envelope) {
        return decode(mapper, envelope.type(), envelope.data());
    }

    /**
     * Decodes only the events of one family, e.g. {@code ProjectEvent.class} or {@code ChatSnapshot.class}:
     * empty for unknown types and for types outside the family.
     */
    public static <E extends CompanionEvent> Optional<E> decode(ObjectMapper mapper, String type, JsonNode data, Class<E> family) {
        Optional<Entry> entry = find(type);
        if (entry.isEmpty() || !family.isAssignableFrom(entry.get().recordClass())) {
            return Optional.empty();
        }
        return decode(mapper, type, data).map(family::cast);
    }

    /**
     * The paths of required components (those without {@link Nullable}) that are null, nested records and
     * list elements included, e.g. {@code ["error.code"]}. Empty for an event that keeps the contract; meant
     * for producer tests, since decoding itself stays lenient.
     */
    public static List<String> nullRequiredFields(Record event) {
        List<String> out = new ArrayList<>();
        collect(event, "", out);
        return out;
    }

    private static void collect(Record value, String prefix, List<String> out) {
        for (RecordComponent c : value.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
            String path = prefix + wireName(c);
            if (v == null) {
                if (!c.isAnnotationPresent(Nullable.class)) {
                    out.add(path);
                }
            } else if (v instanceof Record r) {
                collect(r, path + ".", out);
            } else if (v instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    Object item = list.get(i);
                    if (item == null) {
                        out.add(path + "[" + i + "]");
                    } else if (item instanceof Record r) {
                        collect(r, path + "[" + i + "].", out);
                    }
                }
            }
        }
    }

    /** The JSON name of a component: its {@code @JsonProperty} name, else the component's name. */
    public static String wireName(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }
}
