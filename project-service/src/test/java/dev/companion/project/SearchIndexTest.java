package dev.companion.project;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The list's search and tag predicates, exactly as ProjectSearchRepository writes them, can be served by indexes. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class SearchIndexTest {

    @Inject
    Pool pool;

    @Test
    void searchUsesTheTrigramIndexesAndTagsTheGinIndex() {
        String search = plan("SELECT id FROM project p WHERE (p.name ILIKE $1 ESCAPE '\\' OR p.description ILIKE $1 ESCAPE '\\')",
                Tuple.of("%react%"));
        assertTrue(search.contains("project_name_trgm") && search.contains("project_description_trgm"), search);
        String tags = plan("SELECT id FROM project p WHERE p.tags @> $1::text[]", Tuple.of((Object) new String[]{"react"}));
        assertTrue(tags.contains("project_tags"), tags);
    }

    /** EXPLAIN with sequential scans priced out, so the plan shows whether an index can answer the predicate. */
    private String plan(String sql, Tuple params) {
        return pool.withTransaction(conn -> conn.query("SET LOCAL enable_seqscan = off").execute()
                        .flatMap(x -> conn.preparedQuery("EXPLAIN " + sql).execute(params))
                        .map(rows -> {
                            StringBuilder sb = new StringBuilder();
                            for (Row r : rows) {
                                sb.append(r.getString(0)).append('\n');
                            }
                            return sb.toString();
                        }))
                .await().atMost(Duration.ofSeconds(30));
    }
}
