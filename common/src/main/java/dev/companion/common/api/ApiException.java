package dev.companion.common.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** A failure that leaves the service as the seed's error envelope with the given code. */
public class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, Object> details;
    private final int retryAfterSeconds;

    public ApiException(ErrorCode code, String message, Map<String, Object> details) {
        this(code, message, details, 0);
    }

    /** With {@code retryAfterSeconds > 0} the answer carries {@code Retry-After}. */
    public ApiException(ErrorCode code, String message, Map<String, Object> details, int retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.details = details == null ? Map.of() : details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Seconds for {@code Retry-After}, 0 when the answer has none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * 503 when a service that owns a resource cannot be asked about it right now: never a false 404.
     * {@code details} name the resource and the owner so a client knows what to retry.
     */
    public static ApiException unavailable(String owner, String resource, String id, int retryAfterSeconds) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("resource", resource);
        d.put("id", id);
        d.put("service", owner);
        return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, owner + " is unavailable; retry shortly", d,
                Math.max(1, retryAfterSeconds));
    }

    /**
     * 429 for a per-user budget of work in progress (concurrent answers, generations, bundles): the
     * client waits {@code retryAfterSeconds} rather than retrying at once and burning its quota.
     */
    public static ApiException tooMany(String constraint, int limit, long active, String message, int retryAfterSeconds) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("constraint", constraint);
        d.put("value", limit);
        d.put("active", active);
        return new ApiException(ErrorCode.RATE_LIMIT, message, d, Math.max(1, retryAfterSeconds));
    }

    /** 503 when this service's own bounded work (conversions, decodes) is full: retry shortly. */
    public static ApiException overloaded(String work, int limit, int retryAfterSeconds) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("resource", work);
        d.put("constraint", "maxConcurrent");
        d.put("value", limit);
        return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Too much " + work + " in progress; retry shortly", d,
                Math.max(1, retryAfterSeconds));
    }

    /** 404 for a missing resource, and for another user's: nobody learns it exists. */
    public static ApiException notFound(String resource, String id) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("resource", resource);
        d.put("id", id);
        return new ApiException(ErrorCode.NOT_FOUND, resource + " not found", d);
    }

    /** A field-level validation error in the seed's shape: field, constraint and the limit as value. */
    public static ApiException validation(String field, String constraint, Object value, String message) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("field", field);
        d.put("constraint", constraint);
        if (value != null) {
            d.put("value", value);
        }
        return new ApiException(ErrorCode.VALIDATION_ERROR, message, d);
    }

    public static ApiException conflict(String message) {
        return new ApiException(ErrorCode.CONFLICT, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(ErrorCode.FORBIDDEN, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(ErrorCode.UNAUTHORIZED, message);
    }
}
