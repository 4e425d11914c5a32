package dev.companion.download.service;

import dev.companion.download.model.OutputFormat;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class BundleNamingTest {

    private static final Instant DATE = Instant.parse("2025-01-19T10:00:00Z");

    @Test
    void tokensExpandAndCollisionsAreNumbered() {
        BundleNaming naming = new BundleNaming("{project}-{date}-{index}", BundleNaming.Folders.FLAT, OutputFormat.PNG);
        BundleNaming.Source s = new BundleNaming.Source("img_1", "Space Art", "Chat", "a fox", DATE);
        assertThat(naming.pathFor(s, 1)).isEqualTo("Space Art-2025-01-19-001.png");

        BundleNaming same = new BundleNaming("same", BundleNaming.Folders.FLAT, OutputFormat.JPG);
        assertThat(same.pathFor(s, 1)).isEqualTo("same.jpg");
        assertThat(same.pathFor(s, 2)).isEqualTo("same-2.jpg");
        assertThat(same.pathFor(s, 3)).isEqualTo("same-3.jpg");
    }

    @Test
    void traversalAndAbsolutePathsBecomePlainNames() {
        BundleNaming.Source s = new BundleNaming.Source("img_1", "../../etc", null, "../../../root/.ssh/id_rsa", DATE);
        assertThat(new BundleNaming("../../{id}", BundleNaming.Folders.FLAT, OutputFormat.PNG).pathFor(s, 1))
                .isEqualTo("_.._img_1.png");
        assertThat(new BundleNaming("/etc/passwd", BundleNaming.Folders.FLAT, OutputFormat.PNG).pathFor(s, 1))
                .isEqualTo("_etc_passwd.png");
        assertThat(new BundleNaming("a\u0000b{index}", BundleNaming.Folders.FLAT, OutputFormat.PNG).pathFor(s, 7))
                .isEqualTo("a_b007.png");
        assertThat(new BundleNaming("{prompt}", BundleNaming.Folders.GROUPED, OutputFormat.PNG).pathFor(s, 1))
                .isEqualTo("_.._etc/no-chat/_.._.._root_.ssh_id_rsa.png");
        assertThat(new BundleNaming("{chat}", BundleNaming.Folders.DATED, OutputFormat.PNG).pathFor(s, 1))
                .isEqualTo("2025/01/19/no-chat.png");
    }

    @Test
    void unknownTokensAreReported() {
        assertThat(BundleNaming.unknownToken("{project}-{nope}")).isEqualTo("{nope}");
        assertThat(BundleNaming.unknownToken("{project}-{chat}-{date}-{index}-{id}-{prompt}")).isNull();
    }
}
