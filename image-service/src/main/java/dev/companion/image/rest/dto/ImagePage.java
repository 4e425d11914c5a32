package dev.companion.image.rest.dto;

import dev.companion.common.api.Pagination;

import java.util.List;

/** {@code GET /v1/images}: one page of the user's images. */
public record ImagePage(List<ImageView> images, Pagination pagination) {
}
