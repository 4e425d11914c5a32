package dev.companion.auth.rest.dto;

/** The seed's profile: id, email, name, subscription, usage {projects, chats, images}. */
public record ProfileResponse(String id, String email, String name, String subscription, Usage usage) {

    public record Usage(long projects, long chats, long images) {
    }
}
