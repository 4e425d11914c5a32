package dev.companion.chat.rest.dto;

import dev.companion.common.api.Pagination;

import java.util.List;

/**
 * {@code GET /v1/chats}: the user's chats across projects, newest activity first. {@code offset} is the
 * index of the first chat of this page ({@code (page - 1) × limit} when paged by {@code page}).
 */
public record ConversationList(List<ChatView> chats, Pagination pagination, int offset) {
}
