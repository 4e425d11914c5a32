package dev.companion.auth.service;

import dev.companion.auth.model.AdminAuditEntry;
import dev.companion.auth.repository.AdminAuditRepository;
import dev.companion.common.api.PageRequest;
import dev.companion.common.id.Ids;
import dev.companion.common.web.RequestIds;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * The audit trail of admin actions in auth-service's database. {@link #record} joins the caller's
 * transaction, so an action and its entry are committed together or not at all.
 */
@ApplicationScoped
public class AdminAuditLog {

    public static final String ADMIN_SETUP = "admin.setup";
    public static final String ROLES_CHANGED = "user.roles";
    public static final String PLAN_CHANGED = "user.plan";
    public static final String API_TOKEN_CREATED = "api_token.create";
    public static final String API_TOKEN_DELETED = "api_token.delete";
    public static final String KEY_ROTATED = "signing_key.rotate";

    public record Page(List<AdminAuditEntry> items, long total) {
    }

    private final AdminAuditRepository entries;

    public AdminAuditLog(AdminAuditRepository entries) {
        this.entries = entries;
    }

    public Uni<Void> record(String actorId, String action, String targetType, String targetId, String details) {
        AdminAuditEntry e = new AdminAuditEntry();
        e.id = Ids.newId("audit");
        e.actorId = actorId;
        e.action = action;
        e.targetType = targetType;
        e.targetId = targetId;
        e.details = details;
        e.requestId = RequestIds.current();
        e.createdAt = Instant.now();
        return entries.persist(e).replaceWithVoid();
    }

    public Uni<Page> list(PageRequest page) {
        return Panache.withSession(() -> entries.listPage(page.offset(), page.limit())
                .flatMap(items -> entries.count().map(total -> new Page(items, total))));
    }
}
