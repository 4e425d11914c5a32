package dev.companion.project.rest.dto;

import dev.companion.common.api.Pagination;

import java.util.List;

/** The list answer of the seed: {@code {projects: […], pagination: {page, limit, total, pages}}}. */
public record ProjectPage(List<ProjectView> projects, Pagination pagination) {
}
