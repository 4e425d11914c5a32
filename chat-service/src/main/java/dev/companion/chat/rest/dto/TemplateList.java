package dev.companion.chat.rest.dto;

import dev.companion.common.api.Pagination;

import java.util.List;

public record TemplateList(List<TemplateView> templates, Pagination pagination) {
}
