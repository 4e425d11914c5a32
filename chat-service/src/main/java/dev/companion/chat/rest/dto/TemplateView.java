package dev.companion.chat.rest.dto;

import java.util.List;

/** A template with its declared variables and the slots its body uses ({@code slots}, in order of first use). */
public record TemplateView(String id, String name, String description, String body, List<TemplateVariable> variables,
                           List<String> slots, String createdAt, String updatedAt) {
}
