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
