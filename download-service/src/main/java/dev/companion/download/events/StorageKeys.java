package dev.companion.download.events;

import java.util.regex.Pattern;

/**
 * The object keys image-service writes originals under ({@code ImageJobProcessor}):
 * {@code users/<userId>/generations/<generationId>/a<attempt>/<imageId>.<ext>}. An image.complete is only
 * believed when each image's key is exactly that for the event's own user, generation and image: a forged
 * event (anyone who can write to image.events) naming another user's key would otherwise make
 * download-service serve that user's image to the forger.
 */
final class StorageKeys {

    /** Ids as the services mint them ({@code Ids.newId}): a prefix, an underscore, letters and digits. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Pattern EXTENSION = Pattern.compile("(png|jpg|jpeg|webp)");

    private StorageKeys() {
    }

    /** Whether {@code key} is the key image-service would write for this user's image of this generation. */
    static boolean ownedBy(String key, String userId, String generationId, String imageId) {
        if (key == null || !safeId(userId) || !safeId(generationId) || !safeId(imageId)) {
            return false;
        }
        String prefix = "users/" + userId + "/generations/" + generationId + "/a";
        if (!key.startsWith(prefix)) {
            return false;
        }
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 1 || !rest.substring(0, slash).chars().allMatch(Character::isDigit) || slash > 4) {
            return false;
        }
        String file = rest.substring(slash + 1);
        String expected = imageId + ".";
        return file.startsWith(expected) && EXTENSION.matcher(file.substring(expected.length())).matches();
    }

    private static boolean safeId(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
