package dev.companion.project.repository;

/**
 * The only sort orders a list may use. Each maps to a fixed SQL expression, so a client's {@code sort}
 * value never reaches the SQL text: anything not listed here is refused before a query is built.
 */
public enum ProjectSort {
    CREATED_AT("createdAt", "p.created_at"),
    UPDATED_AT("updatedAt", "p.updated_at"),
    NAME("name", "lower(p.name)"),
    LAST_ACTIVITY("lastActivity", "p.last_activity");

    private final String wire;
    private final String sql;

    ProjectSort(String wire, String sql) {
        this.wire = wire;
        this.sql = sql;
    }

    public String wire() {
        return wire;
    }

    String sql() {
        return sql;
    }

    /** The sort for a query value, or null when it is not on the list. */
    public static ProjectSort fromWire(String value) {
        for (ProjectSort s : values()) {
            if (s.wire.equals(value)) {
                return s;
            }
        }
        return null;
    }
}
