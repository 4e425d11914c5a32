package dev.companion.download.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which storage keys an image.complete may name: exactly image-service's key for its own user, generation and image. */
class StorageKeysTest {

    private static final String USER = "user_01jda3p4r6";
    private static final String GEN = "gen_01jda3p4r6t8";
    private static final String IMG = "img_01jda3p4r6f3";

    @Test
    void imageServicesKeysForTheEventsUserAreBelieved() {
        assertThat(StorageKeys.ownedBy("users/" + USER + "/generations/" + GEN + "/a1/" + IMG + ".png", USER, GEN, IMG)).isTrue();
        assertThat(StorageKeys.ownedBy("users/" + USER + "/generations/" + GEN + "/a12/" + IMG + ".jpg", USER, GEN, IMG)).isTrue();
        assertThat(StorageKeys.ownedBy("users/" + USER + "/generations/" + GEN + "/a3/" + IMG + ".webp", USER, GEN, IMG)).isTrue();
    }

    @Test
    void anyOtherKeyIsNot() {
        String good = "users/" + USER + "/generations/" + GEN + "/a1/" + IMG + ".png";
        assertThat(StorageKeys.ownedBy(good, "user_other", GEN, IMG)).as("another user's prefix").isFalse();
        assertThat(StorageKeys.ownedBy(good, USER, "gen_other", IMG)).as("another generation").isFalse();
        assertThat(StorageKeys.ownedBy(good, USER, GEN, "img_other")).as("another image").isFalse();
        for (String key : new String[]{
                "generations/" + GEN + "/a1/" + IMG + ".png",                                   // unowned (older) scheme
                "users/" + USER + "/generations/" + GEN + "/a1/" + IMG + "_thumb.png",            // not the original
                "users/" + USER + "/generations/" + GEN + "/a1/" + IMG + ".png/../../x.png",
                "users/" + USER + "/generations/" + GEN + "/a/" + IMG + ".png",
                "users/" + USER + "/generations/" + GEN + "/ax/" + IMG + ".png",
                "users/" + USER + "/generations/" + GEN + "/a1/x/" + IMG + ".png",
                "users/" + USER + "/generations/" + GEN + "/a1/" + IMG + ".exe",
                "/users/" + USER + "/generations/" + GEN + "/a1/" + IMG + ".png",
                "", }) {
            assertThat(StorageKeys.ownedBy(key, USER, GEN, IMG)).as(key).isFalse();
        }
        assertThat(StorageKeys.ownedBy(null, USER, GEN, IMG)).isFalse();
        assertThat(StorageKeys.ownedBy(good, null, GEN, IMG)).as("an event without a user").isFalse();
        // ids that would change the path are never ids
        assertThat(StorageKeys.ownedBy("users/../generations/" + GEN + "/a1/" + IMG + ".png", "..", GEN, IMG)).isFalse();
        assertThat(StorageKeys.ownedBy("users/a/b/generations/" + GEN + "/a1/" + IMG + ".png", "a/b", GEN, IMG)).isFalse();
    }
}
