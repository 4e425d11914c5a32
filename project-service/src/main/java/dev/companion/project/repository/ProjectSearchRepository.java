package dev.companion.project.repository;

import dev.companion.common.api.ErrorResponse.Timestamps;
import dev.companion.project.rest.dto.ProjectSettingsDto;
import dev.companion.project.rest.dto.ProjectView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The project list with search, tag filter and sort, as plain parameterised SQL: {@code ILIKE} over
 * name and description (served by the pg_trgm GIN indexes), {@code tags @> …} (GIN on tags), and an
 * {@code ORDER BY} taken only from {@link ProjectSort}. Read-only, so it needs no Hibernate session.
 */
@ApplicationScoped
public class ProjectSearchRepository {

    private static final String COLUMNS = "p.id, p.name, p.description, p.tags, p.color, p.auto_save, p.sync_enabled, "
            + "p.notifications, p.archived, p.chat_count, p.last_activity, p.created_at, p.updated_at";

    private final Pool pool;

    public ProjectSearchRepository(Pool pool) {
        this.pool = pool;
    }

    public record Result(List<ProjectView> projects, long total) {
    }

    public Uni<Result> search(ProjectListQuery q) {
        StringBuilder where = new StringBuilder(" FROM project p WHERE p.user_id = $1 AND p.archived = $2");
        List<Object> params = new ArrayList<>();
        params.add(q.userId());
        params.add(q.archived());
        if (q.search() != null && !q.search().isBlank()) {
            params.add("%" + escapeLike(q.search().strip()) + "%");
            int n = params.size();
            where.append(" AND (p.name ILIKE $").append(n).append(" ESCAPE '\\' OR p.description ILIKE $").append(n)
                    .append(" ESCAPE '\\')");
        }
        if (q.tags() != null && !q.tags().isEmpty()) {
            params.add(q.tags().toArray(new String[0]));
            where.append(" AND p.tags @> $").append(params.size()).append("::text[]");
        }
        String direction = q.ascending() ? " ASC" : " DESC";
        String select = "SELECT " + COLUMNS + where + " ORDER BY " + q.sort().sql() + direction + ", p.id" + direction
                + " LIMIT " + q.limit() + " OFFSET " + q.offset();
        String count = "SELECT count(*) AS total" + where;
        Tuple tuple = Tuple.from(params);
        return pool.preparedQuery(count).execute(tuple)
                .map(rows -> rows.iterator().next().getLong("total"))
                .flatMap(total -> pool.preparedQuery(select).execute(tuple).map(rows -> {
                    List<ProjectView> list = new ArrayList<>();
                    for (Row r : rows) {
                        list.add(toView(r));
                    }
                    return new Result(list, total);
                }));
    }

    /** {@code %}, {@code _} and the escape character itself are literal in the user's search text. */
    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static ProjectView toView(Row r) {
        String[] tags = r.getArrayOfStrings("tags");
        return new ProjectView(r.getString("id"), r.getString("name"), r.getString("description"),
                tags == null ? List.of() : List.of(tags), r.getString("color"),
                new ProjectSettingsDto(r.getBoolean("auto_save"), r.getBoolean("sync_enabled"), r.getBoolean("notifications")),
                r.getBoolean("archived"), r.getInteger("chat_count"), ts(r, "last_activity"), ts(r, "created_at"),
                ts(r, "updated_at"));
    }

    private static String ts(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : Timestamps.format(t.toInstant());
    }
}
