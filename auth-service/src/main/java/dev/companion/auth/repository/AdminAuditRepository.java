package dev.companion.auth.repository;

import dev.companion.auth.model.AdminAuditEntry;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class AdminAuditRepository implements PanacheRepositoryBase<AdminAuditEntry, String> {

    /** Newest first. */
    public Uni<List<AdminAuditEntry>> listPage(int offset, int limit) {
        return findAll(Sort.descending("createdAt", "id")).range(offset, offset + limit - 1).list();
    }
}
