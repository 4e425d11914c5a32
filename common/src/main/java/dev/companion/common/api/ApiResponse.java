package dev.companion.common.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The seed's success envelope. {@code timestamp} and {@code requestId} are filled by the
 * response filter, so resources only say what they return.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiResponse<T>(boolean success, T data, String message, String timestamp, String requestId) {

    public static <T> ApiResponse<T> ok(T data) {
        return new ApiResponse<>(true, data, null, null, null);
    }

    public static <T> ApiResponse<T> ok(T data, String message) {
        return new ApiResponse<>(true, data, message, null, null);
    }

    public ApiResponse<T> stamped(String timestamp, String requestId) {
        return new ApiResponse<>(success, data, message, timestamp, requestId);
    }
}
