package dev.companion.common.api;

/**
 * {@code page} (from 1) and {@code limit} (default 20, at most 100) from query parameters, checked
 * so a bad value is a field-level validation error rather than a surprise.
 */
public record PageRequest(int page, int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    public static PageRequest of(Integer page, Integer limit) {
        return of(page, limit, DEFAULT_LIMIT, MAX_LIMIT);
    }

    public static PageRequest of(Integer page, Integer limit, int defaultLimit, int maxLimit) {
        int p = page == null ? 1 : page;
        int l = limit == null ? defaultLimit : limit;
        if (p < 1) {
            throw ApiException.validation("page", "min", 1, "page must be at least 1");
        }
        if (l < 1) {
            throw ApiException.validation("limit", "min", 1, "limit must be at least 1");
        }
        if (l > maxLimit) {
            throw ApiException.validation("limit", "max", maxLimit, "limit must be at most " + maxLimit);
        }
        return new PageRequest(p, l);
    }

    public int offset() {
        return (page - 1) * limit;
    }
}
