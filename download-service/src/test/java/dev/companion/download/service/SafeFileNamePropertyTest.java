package dev.companion.download.service;

import dev.companion.download.model.OutputFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever the user types or names their projects, a bundle's paths stay inside the bundle. */
class SafeFileNamePropertyTest {

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> fragments = Arbitraries.of("../", "..\\", "/", "\\", "..", ".", "\u0000", "\n", "\r", "\t",
                "C:\\", "//server/share/", "~", "CON", "nul", "\u202e", "\u200b", "\u0085", "\ud83d\ude00", "é", "e\u0301",
                "{project}", "*", "?", ":", "|", "<", ">", "\"", " ", "-", "a", "name");
        Arbitrary<String> anyText = Arbitraries.strings().all().ofMaxLength(300);
        return Arbitraries.oneOf(anyText,
                fragments.list().ofMaxSize(40).map(l -> String.join("", l)),
                Combinators.combine(fragments.list().ofMaxSize(10), anyText).as((l, s) -> String.join("", l) + s));
    }

    @Property(tries = 2000)
    void aSegmentIsAlwaysSafe(@ForAll("hostile") String text) {
        String name = SafeFileName.of(text, "image");
        assertSafeSegment(name);
    }

    @Property(tries = 1000)
    void sanitisingTwiceChangesNothing(@ForAll("hostile") String text) {
        String once = SafeFileName.of(text, "image");
        assertThat(SafeFileName.of(once, "image")).isEqualTo(once);
    }

    @Property(tries = 500)
    void bundlePathsAreRelativeSafeAndUnique(@ForAll("hostile") String pattern, @ForAll("hostile") String project,
                                            @ForAll("hostile") String prompt, @ForAll @IntRange(min = 1, max = 30) int count,
                                            @ForAll("folders") BundleNaming.Folders folders) {
        BundleNaming naming = new BundleNaming(pattern, folders, OutputFormat.WEBP);
        Set<String> seen = new HashSet<>();
        for (int i = 1; i <= count; i++) {
            String path = naming.pathFor(new BundleNaming.Source("img_" + (i % 3), project, prompt, prompt,
                    Instant.parse("2025-01-19T10:00:00Z")), i);
            assertThat(path).doesNotStartWith("/").endsWith(".webp");
            for (String segment : path.split("/", -1)) {
                assertSafeSegment(segment);
            }
            int depth = path.split("/").length;
            assertThat(depth).isEqualTo(switch (folders) {
                case FLAT -> 1;
                case GROUPED -> 3;
                case DATED -> 4;
            });
            assertThat(seen.add(path.toLowerCase(Locale.ROOT))).as("unique: " + path).isTrue();
        }
    }

    @Provide
    Arbitrary<BundleNaming.Folders> folders() {
        return Arbitraries.of(BundleNaming.Folders.class);
    }

    private static void assertSafeSegment(String name) {
        assertThat(name).isNotEmpty().isNotEqualTo(".").isNotEqualTo("..");
        assertThat(name).doesNotContain("/", "\\", "\u0000", ":", "..".repeat(1) + "/");
        assertThat(name).doesNotStartWith(".");
        assertThat(name.codePointCount(0, name.length())).isLessThanOrEqualTo(SafeFileName.MAX_LENGTH + 5);
        name.codePoints().forEach(cp -> {
            assertThat(cp).as("control character %x", cp).isGreaterThanOrEqualTo(0x20);
            assertThat(cp).isNotIn(0x7f, 0x202e, 0x200b, 0x85);
        });
        List<String> reserved = List.of("con", "nul", "prn", "aux");
        String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        assertThat(reserved).doesNotContain(base.toLowerCase(Locale.ROOT));
    }
}
