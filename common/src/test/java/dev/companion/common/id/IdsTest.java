package dev.companion.common.id;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdsTest {

    @Property
    void idsSortByCreationTime(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFF_FFFEL) long millis) {
        String earlier = Ids.ulid(millis);
        String later = Ids.ulid(millis + 1);
        assertTrue(earlier.compareTo(later) < 0, earlier + " < " + later);
        assertEquals(26, earlier.length());
    }

    @Property(tries = 50)
    void idsAreWellFormedAndUnique(@ForAll("prefixes") String prefix) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = Ids.newId(prefix);
            assertTrue(Ids.isValid(prefix, id), id);
            assertTrue(seen.add(id), "duplicate " + id);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> prefixes() {
        return net.jqwik.api.Arbitraries.of("user", "proj", "inst", "chat", "msg", "img_gen", "img", "dl", "batch", "req", "session");
    }

    @net.jqwik.api.Example
    void idsMadeOneAfterAnotherSortInThatOrder() {
        String previous = Ids.newId("msg");
        for (int i = 0; i < 100_000; i++) {
            String next = Ids.newId("msg");
            assertTrue(previous.compareTo(next) < 0, previous + " < " + next);
            previous = next;
        }
    }

    @Property
    void foreignShapesAreNotValid(@ForAll String junk) {
        if (!junk.matches("proj_[0-9a-z]{26}")) {
            assertTrue(!Ids.isValid("proj", junk));
        }
    }
}
