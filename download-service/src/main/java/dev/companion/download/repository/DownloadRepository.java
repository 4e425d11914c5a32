package dev.companion.download.repository;

import dev.companion.download.model.Download;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class DownloadRepository implements PanacheRepositoryBase<Download, String> {

    public Uni<Download> findOwned(String userId, String id) {
        return find("id = ?1 and userId = ?2 and deleted = false", id, userId).firstResult();
    }

    /** Serialises a user's bundle budget until the transaction ends (every replica: a PostgreSQL advisory lock). */
    public Uni<Void> lockUser(String userId) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "download-user:" + userId).getSingleResult()).replaceWithVoid();
    }

    /** The user's background bundles still processing, started after {@code since}. */
    public Uni<Long> countQueued(String userId, Instant since) {
        return count("userId = ?1 and type = ?2 and status = ?3 and createdAt > ?4", userId, Download.BULK,
                Download.PROCESSING, since);
    }

    /** Newest first. */
    public Uni<List<Download>> history(String userId, int pageIndex, int size) {
        return find("userId = ?1 and deleted = false", Sort.descending("createdAt").and("id", Sort.Direction.Descending), userId)
                .page(Page.of(pageIndex, size)).list();
    }

    public Uni<Long> countHistory(String userId) {
        return count("userId = ?1 and deleted = false", userId);
    }

    /** Downloads whose link has expired and whose objects are still in S3. */
    public Uni<List<Download>> expiredUnpurged(Instant now, int max) {
        return find("purgedAt is null and expiresAt is not null and expiresAt <= ?1", Sort.ascending("expiresAt"), now)
                .page(Page.ofSize(max)).list();
    }

    /** Background bundles that have been processing for too long (their worker died). */
    public Uni<List<Download>> stuck(Instant startedBefore) {
        return list("status = ?1 and createdAt < ?2", Download.PROCESSING, startedBefore);
    }

    public Uni<Integer> markPurged(Collection<String> ids, Instant now) {
        return update("purgedAt = ?1 where id in ?2", now, ids);
    }

    /** project.deleted: the project's downloads leave the history and their objects go at the next sweep. */
    public Uni<Integer> deleteForProject(String userId, String projectId, Instant now) {
        return update("deleted = true, expiresAt = ?1 where userId = ?2 and projectId = ?3 and deleted = false",
                now, userId, projectId);
    }

    /** image.deleted: single downloads of those images stop working now (the history keeps them). */
    public Uni<Integer> expireForImages(String userId, Collection<String> imageIds, Instant now) {
        return update("expiresAt = ?1 where userId = ?2 and imageId in ?3 and (expiresAt is null or expiresAt > ?1)",
                now, userId, imageIds);
    }
}
