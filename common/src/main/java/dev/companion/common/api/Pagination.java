package dev.companion.common.api;

/** The {@code pagination} member of list answers. */
public record Pagination(int page, int limit, long total, int pages) {

    public static Pagination of(PageRequest request, long total) {
        int pages = (int) ((total + request.limit() - 1) / request.limit());
        return new Pagination(request.page(), request.limit(), total, pages);
    }
}
