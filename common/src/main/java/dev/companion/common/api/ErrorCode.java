package dev.companion.common.api;

/** The error codes of the seed, each with its HTTP status. */
public enum ErrorCode {
    VALIDATION_ERROR(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    PAYLOAD_TOO_LARGE(413),
    RATE_LIMIT(429),
    SERVER_ERROR(500),
    SERVICE_UNAVAILABLE(503),
    GATEWAY_TIMEOUT(504);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ErrorCode forStatus(int status) {
        for (ErrorCode c : values()) {
            if (c.status == status) {
                return c;
            }
        }
        if (status == 405 || status == 406 || status == 415 || (status >= 400 && status < 500)) {
            return VALIDATION_ERROR;
        }
        return SERVER_ERROR;
    }
}
