package dev.companion.common.api;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PageRequestTest {

    @Test
    void defaultsAndBounds() {
        assertEquals(new PageRequest(1, 20), PageRequest.of(null, null));
        ApiException tooMany = assertThrows(ApiException.class, () -> PageRequest.of(1, 101));
        assertEquals(ErrorCode.VALIDATION_ERROR, tooMany.code());
        assertEquals("limit", tooMany.details().get("field"));
        assertEquals("max", tooMany.details().get("constraint"));
        assertEquals(100, tooMany.details().get("value"));
        assertEquals("page", assertThrows(ApiException.class, () -> PageRequest.of(0, 10)).details().get("field"));
    }

    @Test
    void aDeepOrOverflowingPageIsAFieldErrorNamingTheLastAllowedPage() {
        // (page - 1) × limit within 100,000 items: page 1001 of 100 is the last one
        assertEquals(100_000, PageRequest.of(1001, 100).offset());
        ApiException deep = assertThrows(ApiException.class, () -> PageRequest.of(1002, 100));
        assertEquals(ErrorCode.VALIDATION_ERROR, deep.code());
        assertEquals("page", deep.details().get("field"));
        assertEquals("max", deep.details().get("constraint"));
        assertEquals(1001, deep.details().get("value"));
        // what used to overflow int into a negative offset and a 500
        assertEquals("page", assertThrows(ApiException.class, () -> PageRequest.of(Integer.MAX_VALUE, 100)).details().get("field"));
    }

    @Property
    void everyAcceptedPageHasAnOffsetWithinTheBound(@ForAll @IntRange(min = 1) int page, @ForAll @IntRange(min = 1, max = 100) int limit) {
        try {
            PageRequest p = PageRequest.of(page, limit);
            assertEquals(true, p.offset() >= 0 && p.offset() <= PageRequest.DEFAULT_MAX_OFFSET);
        } catch (ApiException e) {
            assertEquals("page", e.details().get("field"));
        }
    }

    @Property
    void pagesCoverTotalExactly(@ForAll @IntRange(min = 1, max = 100) int limit,
                                @ForAll @LongRange(min = 0, max = 1_000_000) long total) {
        Pagination p = Pagination.of(PageRequest.of(1, limit), total);
        assertEquals(total == 0 ? 0 : (total - 1) / limit + 1, p.pages());
        // the last page starts inside the total, the page after it would start past it
        if (total > 0) {
            long lastOffset = (long) (p.pages() - 1) * limit;
            assertEquals(true, lastOffset < total && lastOffset + limit >= total);
        }
    }
}
