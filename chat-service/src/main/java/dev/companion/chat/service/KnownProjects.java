package dev.companion.chat.service;

import dev.companion.chat.client.ProjectServiceClient;
import dev.companion.chat.repository.ProjectRefRepository;
import dev.companion.common.client.OwnerLookup;
import dev.companion.common.web.RequestIds;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Instant;

/**
 * Read-your-writes for projects: the read model (fed by project.events) answers when it knows the
 * project; on a miss project-service is asked with the caller's token and what it says is stored, so a
 * chat can be created the moment its project is. Only project-service's "no" is a 404; project-service
 * away is a 503 with Retry-After ({@link OwnerLookup}).
 */
@ApplicationScoped
public class KnownProjects {

    static final String OWNER = "project-service";

    private final ProjectRefRepository projects;
    private final ProjectServiceClient owner;

    public KnownProjects(ProjectRefRepository projects, @RestClient ProjectServiceClient owner) {
        this.projects = projects;
        this.owner = owner;
    }

    /** Completes when {@code projectId} is known to be the user's (in the read model afterwards); fails 404/503 otherwise. */
    public Uni<Void> ensureOwned(String projectId, String userId, String bearer) {
        return Panache.withSession(() -> projects.findOwned(projectId, userId)).flatMap(ref -> {
            if (ref != null) {
                return Uni.createFrom().voidItem();
            }
            return OwnerLookup.ask(OWNER, "project", projectId, () -> owner.project(projectId, bearer, RequestIds.current()))
                    .flatMap(answer -> {
                        ProjectServiceClient.Project p = answer.data();
                        Instant updated = parse(p.updatedAt());
                        // the owner answered for this caller's token: the project is this user's
                        return Panache.withTransaction(() -> projects.upsert(p.id(), userId, p.archived(), updated));
                    });
        });
    }

    private static Instant parse(String value) {
        try {
            return value == null ? Instant.now() : Instant.parse(value);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
