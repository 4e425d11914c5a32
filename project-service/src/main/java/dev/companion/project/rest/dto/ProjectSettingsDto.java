package dev.companion.project.rest.dto;

/** The seed's {@code settings}; unknown keys are refused by Jackson (fail-on-unknown-properties). */
public record ProjectSettingsDto(Boolean autoSave, Boolean syncEnabled, Boolean notifications) {
}
