package dev.companion.chat.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.config.ChatConfig;
import dev.companion.chat.model.PromptTemplate;
import dev.companion.chat.repository.TemplateRepository;
import dev.companion.chat.rest.dto.MessageMetadata;
import dev.companion.chat.rest.dto.TemplateList;
import dev.companion.chat.rest.dto.TemplateRequest;
import dev.companion.chat.rest.dto.TemplateVariable;
import dev.companion.chat.rest.dto.TemplateView;
import dev.companion.chat.rest.dto.UpdateTemplateRequest;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.id.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt templates (seed 000 {@code metadata.template}): CRUD of the user's templates, and the expansion of
 * a send's {@code metadata: {template, variables}} into the stored prompt. {@code template} names a template
 * by id ({@code tpl_…}: it must be the caller's, else 404) or by name (a name the user has no template of
 * stays the seed's free label, and only the content's own {@code {{variables}}} are filled, as before).
 * The slot {@code {{content}}} is the send's content; a body without it is followed by the content after
 * a blank line. Every other slot takes {@code metadata.variables}, else the variable's default; slots left
 * without a value are a {@code VALIDATION_ERROR} on {@code metadata.variables} naming them.
 */
@ApplicationScoped
public class TemplateService {

    static final Pattern SLOT = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");
    static final String CONTENT = "content";
    private static final TypeReference<List<TemplateVariable>> VARIABLES = new TypeReference<>() {
    };

    private final TemplateRepository templates;
    private final ObjectMapper json;
    private final ChatConfig config;

    public TemplateService(TemplateRepository templates, ObjectMapper json, ChatConfig config) {
        this.templates = templates;
        this.json = json;
        this.config = config;
    }

    @WithSession
    public Uni<TemplateList> list(String userId, PageRequest page) {
        return templates.countOfUser(userId).flatMap(total -> templates.pageOfUser(userId, Page.of(page.page() - 1, page.limit()))
                .map(list -> new TemplateList(list.stream().map(this::toView).toList(), Pagination.of(page, total))));
    }

    @WithSession
    public Uni<TemplateView> get(String userId, String id) {
        return owned(userId, id).map(this::toView);
    }

    @WithTransaction
    public Uni<TemplateView> create(String userId, TemplateRequest request) {
        List<TemplateVariable> variables = checkedVariables(request.variables());
        String name = request.name().strip();
        return lockUser(userId).flatMap(x -> templates.findByName(name, userId)).flatMap(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(duplicateName(name));
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            PromptTemplate t = new PromptTemplate();
            t.id = Ids.newId("tpl");
            t.userId = userId;
            t.name = name;
            t.description = request.description();
            t.body = request.body();
            t.variables = write(variables);
            t.createdAt = now;
            t.updatedAt = now;
            return templates.persist(t).map(this::toView);
        });
    }

    @WithTransaction
    public Uni<TemplateView> update(String userId, String id, UpdateTemplateRequest request) {
        List<TemplateVariable> variables = request.variables() == null ? null : checkedVariables(request.variables());
        String name = request.name() == null ? null : request.name().strip();
        return lockUser(userId).flatMap(x -> owned(userId, id)).flatMap(t -> {
            Uni<PromptTemplate> clash = name == null || name.equals(t.name) ? Uni.createFrom().nullItem()
                    : templates.findByName(name, userId);
            return clash.flatMap(other -> {
                if (other != null) {
                    return Uni.createFrom().failure(duplicateName(name));
                }
                if (name != null) {
                    t.name = name;
                }
                if (request.description() != null) {
                    t.description = request.description();
                }
                if (request.body() != null) {
                    t.body = request.body();
                }
                if (variables != null) {
                    t.variables = write(variables);
                }
                t.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                return Uni.createFrom().item(toView(t));
            });
        });
    }

    @WithTransaction
    public Uni<Void> delete(String userId, String id) {
        return owned(userId, id).flatMap(templates::delete);
    }

    /**
     * The prompt a send stores: its content with {@code metadata.variables} filled, expanded into the
     * template {@code metadata.template} names when that is one of the user's. Runs in its own session.
     */
    public Uni<String> expand(String userId, String content, MessageMetadata metadata) {
        int max = config.limits().maxExpandedContent();
        return Uni.createFrom().deferred(() -> {
            String filled = MessageService.fill(content, metadata, max, "content");
            String ref = metadata == null || metadata.template() == null ? null : metadata.template().strip();
            if (ref == null || ref.isEmpty()) {
                return Uni.createFrom().item(filled);
            }
            boolean byId = ref.startsWith("tpl_");
            return Panache.withSession(() -> byId ? templates.findOwned(ref, userId) : templates.findByName(ref, userId))
                    .map(t -> {
                        if (t == null) {
                            if (byId) {
                                throw ApiException.notFound("template", ref);
                            }
                            return filled; // the seed's free label: no template of that name
                        }
                        return render(t, filled, metadata.variables(), max);
                    });
        });
    }

    /** The template's body with every slot filled; missing values are one error naming all of them. */
    String render(PromptTemplate t, String content, Map<String, String> given, int max) {
        Map<String, String> values = new HashMap<>();
        for (TemplateVariable v : variables(t)) {
            if (v.defaultValue() != null) {
                values.put(v.name(), v.defaultValue());
            }
        }
        if (given != null) {
            given.forEach((k, v) -> {
                if (v != null) {
                    values.put(k, v);
                }
            });
        }
        values.put(CONTENT, content);
        List<String> missing = new ArrayList<>();
        for (String slot : slots(t.body)) {
            if (!values.containsKey(slot)) {
                missing.add(slot);
            }
        }
        if (!missing.isEmpty()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("field", "metadata.variables");
            d.put("constraint", "required");
            d.put("value", missing);
            d.put("template", t.id);
            throw new ApiException(ErrorCode.VALIDATION_ERROR,
                    "Template " + t.name + " needs a value for " + String.join(", ", missing), d);
        }
        String body = MessageService.fill(t.body, values, max, "content");
        if (slots(t.body).contains(CONTENT)) {
            return body;
        }
        String joined = body + "\n\n" + content;
        if (joined.length() > max) {
            throw MessageService.expandedTooLong("content", max);
        }
        return joined;
    }

    /** The slots a body uses, in order of first use. */
    static List<String> slots(String body) {
        Set<String> seen = new LinkedHashSet<>();
        Matcher m = SLOT.matcher(body);
        while (m.find()) {
            seen.add(m.group(1));
        }
        return List.copyOf(seen);
    }

    private List<TemplateVariable> checkedVariables(List<TemplateVariable> variables) {
        if (variables == null) {
            return List.of();
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < variables.size(); i++) {
            TemplateVariable v = variables.get(i);
            if (v == null) {
                throw ApiException.validation("variables[" + i + "]", "notNull", null, "variables[" + i + "] must not be null");
            }
            if (CONTENT.equals(v.name())) {
                throw ApiException.validation("variables[" + i + "].name", "reserved", CONTENT,
                        "{{content}} is the send's content and cannot be declared");
            }
            if (!names.add(v.name())) {
                throw ApiException.validation("variables[" + i + "].name", "unique", v.name(), "variable " + v.name() + " is declared twice");
            }
        }
        return variables;
    }

    private Uni<PromptTemplate> owned(String userId, String id) {
        return templates.findOwned(id, userId).onItem().ifNull().failWith(() -> ApiException.notFound("template", id));
    }

    private static ApiException duplicateName(String name) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("field", "name");
        d.put("value", name);
        return new ApiException(ErrorCode.CONFLICT, "A template named " + name + " exists already", d);
    }

    private Uni<Void> lockUser(String userId) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "template-user:" + userId).getSingleResult()).replaceWithVoid();
    }

    List<TemplateVariable> variables(PromptTemplate t) {
        try {
            return json.readValue(t.variables, VARIABLES);
        } catch (Exception e) {
            return List.of();
        }
    }

    private String write(List<TemplateVariable> variables) {
        try {
            return json.writeValueAsString(variables);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    TemplateView toView(PromptTemplate t) {
        return new TemplateView(t.id, t.name, t.description, t.body, variables(t), slots(t.body),
                Timestamps.format(t.createdAt), Timestamps.format(t.updatedAt));
    }
}
