package dev.companion.chat.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of {@code POST /v1/templates}. Slots of {@code body} not declared in {@code variables} have no default. */
public record TemplateRequest(@NotBlank @Size(max = 100) String name,
                              @Size(max = 500) String description,
                              @NotBlank @Size(max = 20000) String body,
                              @Size(max = 50) List<@Valid TemplateVariable> variables) {
}
