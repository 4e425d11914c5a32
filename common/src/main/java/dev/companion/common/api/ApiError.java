package dev.companion.common.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** The {@code error} member of the error envelope. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String code, String message, Map<String, Object> details) {
}
