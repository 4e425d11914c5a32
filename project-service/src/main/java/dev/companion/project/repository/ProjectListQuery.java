package dev.companion.project.repository;

import java.util.List;

/**
 * A checked list request: {@code sort} is already one of {@link ProjectSort}, {@code search} is the raw
 * user text (escaped when the SQL is built), {@code tags} must all be present.
 */
public record ProjectListQuery(String userId, boolean archived, String search, List<String> tags, ProjectSort sort,
                               boolean ascending, int offset, int limit) {
}
