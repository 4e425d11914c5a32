package dev.companion.project.events;

/** {@code project.deleted}: the owners of chats, images and downloads remove theirs from this. */
public record ProjectDeletedPayload(String id, String userId) {
}
