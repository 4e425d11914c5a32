package dev.companion.common.api;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * {@code page} (from 1) and {@code limit} (default 20, at most 100) from query parameters, checked
 * so a bad value is a field-level validation error rather than a surprise. {@code (page - 1) × limit}
 * is bounded by {@code companion.page.max-offset} (default 100,000): a deep offset costs the
 * database a scan of every row before it, and an unbounded one overflowed into a 500.
 */
public record PageRequest(int page, int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_MAX_OFFSET = 100_000;

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
        int maxOffset = maxOffset();
        if ((long) (p - 1) * l > maxOffset) {
            int maxPage = maxOffset / l + 1;
            throw ApiException.validation("page", "max", maxPage,
                    "page must be at most " + maxPage + " for limit " + l + " (page × limit stays within " + maxOffset + " items)");
        }
        return new PageRequest(p, l);
    }

    static int maxOffset() {
        try {
            return ConfigProvider.getConfig().getOptionalValue("companion.page.max-offset", Integer.class).orElse(DEFAULT_MAX_OFFSET);
        } catch (IllegalStateException noConfig) {
            return DEFAULT_MAX_OFFSET;
        }
    }

    public int offset() {
        return (page - 1) * limit;
    }
}
