package dev.companion.chat.rest.dto;

import dev.companion.common.api.Pagination;

import java.util.List;

public record ShareList(List<ShareView> shares, Pagination pagination) {
}
