package dev.companion.project.service;

import dev.companion.common.api.ApiException;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.id.Ids;
import dev.companion.common.outbox.Outbox;
import dev.companion.project.config.ProjectConfig;
import dev.companion.events.ProjectArchived;
import dev.companion.events.ProjectCreated;
import dev.companion.events.ProjectDeleted;
import dev.companion.events.ProjectUpdated;
import dev.companion.project.mapping.InstructionMapper;
import dev.companion.project.mapping.ProjectMapper;
import dev.companion.project.model.InstructionSet;
import dev.companion.project.model.Project;
import dev.companion.project.repository.InstructionSetRepository;
import dev.companion.project.repository.ProjectListQuery;
import dev.companion.project.repository.ProjectRepository;
import dev.companion.project.repository.ProjectSearchRepository;
import dev.companion.project.repository.ProjectSort;
import dev.companion.project.rest.dto.CreateProjectRequest;
import dev.companion.project.rest.dto.ProjectPage;
import dev.companion.project.rest.dto.ProjectSettingsDto;
import dev.companion.project.rest.dto.ProjectView;
import dev.companion.project.rest.dto.UpdateProjectRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** Project rules: ownership, partial updates, the list's filters, and the events of every change. */
@ApplicationScoped
public class ProjectService {

    private static final Pattern TAG = Pattern.compile(dev.companion.project.rest.dto.ProjectConstraints.TAG_PATTERN);

    private final ProjectRepository projects;
    private final ProjectSearchRepository search;
    private final InstructionSetRepository instructionSets;
    private final Outbox outbox;
    private final ProjectConfig config;

    public ProjectService(ProjectRepository projects, ProjectSearchRepository search, InstructionSetRepository instructionSets,
                          Outbox outbox, ProjectConfig config) {
        this.projects = projects;
        this.search = search;
        this.instructionSets = instructionSets;
        this.outbox = outbox;
        this.config = config;
    }

    @WithTransaction
    public Uni<ProjectView> createProject(String userId, CreateProjectRequest request) {
        Instant now = now();
        Project p = new Project();
        p.id = Ids.newId("proj");
        p.userId = userId;
        p.name = request.name().strip();
        p.description = request.description();
        p.tags = distinct(request.tags());
        p.color = request.color() == null ? null : request.color().toUpperCase();
        ProjectSettingsDto s = request.settings();
        ProjectConfig.DefaultSettings d = config.defaultSettings();
        p.autoSave = s == null || s.autoSave() == null ? d.autoSave() : s.autoSave();
        p.syncEnabled = s == null || s.syncEnabled() == null ? d.syncEnabled() : s.syncEnabled();
        p.notifications = s == null || s.notifications() == null ? d.notifications() : s.notifications();
        p.archived = false;
        p.chatCount = 0;
        p.lastActivity = now;
        p.createdAt = now;
        p.updatedAt = now;
        return projects.persist(p)
                .call(saved -> outbox.publish(ProjectMapper.toEvent(ProjectCreated.TYPE, p), userId))
                .map(ProjectMapper::toView);
    }

    @WithSession
    public Uni<ProjectView> getProject(String userId, String id) {
        return owned(userId, id).map(ProjectMapper::toView);
    }

    /** Checks every query parameter (a bad one is a 400 naming it) and runs the list query. */
    public Uni<ProjectPage> listProjects(String userId, String page, String limit, String sort, String order, String searchText,
                                         List<String> tags, String archived) {
        PageRequest pageRequest = PageRequest.of(QueryParams.integer("page", page), QueryParams.integer("limit", limit));
        ProjectSort projectSort = sort == null || sort.isBlank() ? ProjectSort.CREATED_AT : ProjectSort.fromWire(sort);
        if (projectSort == null) {
            throw ApiException.validation("sort", "oneOf", Arrays.stream(ProjectSort.values()).map(ProjectSort::wire).toList(),
                    "sort must be one of createdAt, updatedAt, name, lastActivity");
        }
        boolean ascending = QueryParams.order(order);
        if (searchText != null && searchText.length() > config.searchMaxLength()) {
            throw ApiException.validation("search", "maxLength", config.searchMaxLength(),
                    "search must be at most " + config.searchMaxLength() + " characters");
        }
        List<String> tagFilter = tagFilter(tags);
        boolean archivedFilter = QueryParams.bool("archived", archived, false);
        ProjectListQuery query = new ProjectListQuery(userId, archivedFilter, searchText, tagFilter, projectSort, ascending,
                pageRequest.offset(), pageRequest.limit());
        return search.search(query).map(r -> new ProjectPage(r.projects(), Pagination.of(pageRequest, r.total())));
    }

    /** Applies the fields that were sent; an update that changes nothing emits nothing and keeps updatedAt. */
    @WithTransaction
    public Uni<ProjectView> updateProject(String userId, String id, UpdateProjectRequest request) {
        return owned(userId, id).flatMap(p -> {
            boolean wasArchived = p.archived;
            boolean changed = false;
            if (request.name() != null && !request.name().strip().equals(p.name)) {
                p.name = request.name().strip();
                changed = true;
            }
            if (request.description() != null && !request.description().equals(p.description)) {
                p.description = request.description();
                changed = true;
            }
            if (request.tags() != null) {
                String[] tags = distinct(request.tags());
                if (!Arrays.equals(tags, p.tags)) {
                    p.tags = tags;
                    changed = true;
                }
            }
            if (request.color() != null && !request.color().toUpperCase().equals(p.color)) {
                p.color = request.color().toUpperCase();
                changed = true;
            }
            ProjectSettingsDto s = request.settings();
            if (s != null) {
                if (s.autoSave() != null && s.autoSave() != p.autoSave) {
                    p.autoSave = s.autoSave();
                    changed = true;
                }
                if (s.syncEnabled() != null && s.syncEnabled() != p.syncEnabled) {
                    p.syncEnabled = s.syncEnabled();
                    changed = true;
                }
                if (s.notifications() != null && s.notifications() != p.notifications) {
                    p.notifications = s.notifications();
                    changed = true;
                }
            }
            if (request.archived() != null && request.archived() != p.archived) {
                p.archived = request.archived();
                changed = true;
            }
            if (!changed) {
                return Uni.createFrom().item(ProjectMapper.toView(p));
            }
            p.updatedAt = now();
            // archiving is its own event so consumers can hide the project; un-archiving is an ordinary update
            String type = !wasArchived && p.archived ? ProjectArchived.TYPE : ProjectUpdated.TYPE;
            return outbox.publish(ProjectMapper.toEvent(type, p), userId)
                    .replaceWith(() -> ProjectMapper.toView(p));
        });
    }

    /**
     * Deletes the project and its project-scope instruction sets (each with its own instruction.deleted);
     * chats, images and downloads are removed by their owners from project.deleted.
     */
    @WithTransaction
    public Uni<Void> deleteProject(String userId, String id) {
        return owned(userId, id).flatMap(p -> instructionSets.ofProject(p.id)
                .flatMap(sets -> deleteSets(sets))
                .flatMap(ignored -> projects.delete(p))
                .flatMap(ignored -> outbox.publish(new ProjectDeleted(p.id, p.userId), userId))
                .replaceWithVoid());
    }

    private Uni<Void> deleteSets(List<InstructionSet> sets) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (InstructionSet set : sets) {
            chain = chain.flatMap(x -> instructionSets.delete(set))
                    .flatMap(x -> outbox.publish(InstructionMapper.toDeletedEvent(set), set.userId))
                    .replaceWithVoid();
        }
        return chain;
    }

    Uni<Project> owned(String userId, String id) {
        return projects.findOwned(id, userId).onItem().ifNull().failWith(() -> ApiException.notFound("Project", id));
    }

    /** {@code tags=a,b} and {@code tags=a&tags=b} both mean "carries a and b". */
    private List<String> tagFilter(List<String> raw) {
        if (raw == null || raw.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> tags = new LinkedHashSet<>();
        for (String value : raw) {
            for (String tag : value.split(",")) {
                String t = tag.strip();
                if (t.isEmpty()) {
                    continue;
                }
                if (!TAG.matcher(t).matches()) {
                    throw ApiException.validation("tags", "pattern", dev.companion.project.rest.dto.ProjectConstraints.TAG_PATTERN,
                            "tags must be lower-case letters, digits, '.', '_' or '-', at most 30 characters");
                }
                tags.add(t);
            }
        }
        if (tags.size() > config.tagFilterMax()) {
            throw ApiException.validation("tags", "maxItems", config.tagFilterMax(), "at most " + config.tagFilterMax() + " tags");
        }
        return new ArrayList<>(tags);
    }

    private static String[] distinct(List<String> tags) {
        return tags == null ? new String[0] : tags.stream().filter(Objects::nonNull).distinct().toArray(String[]::new);
    }

    static Instant now() {
        // millisecond precision: what the API shows is exactly what is stored and sorted on
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
