package dev.companion.auth.rest.dto;

import dev.companion.common.api.Pagination;
import java.util.List;

/** A page of items with the shared pagination block. */
public record PageResponse<T>(List<T> items, Pagination pagination) {
}
