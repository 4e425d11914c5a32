package dev.companion.common.api;

import dev.companion.common.id.Ids;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** The seed's error envelope: {@code {"success":false,"error":{code,message,details},timestamp,requestId}}. */
public record ErrorResponse(boolean success, ApiError error, String timestamp, String requestId) {

    public static ErrorResponse of(ErrorCode code, String message, Map<String, Object> details, String requestId) {
        return new ErrorResponse(false, new ApiError(code.name(), message, details == null || details.isEmpty() ? null : details),
                Timestamps.now(), requestId == null ? Ids.newId("req") : requestId);
    }

    /** UTC ISO-8601 timestamps with {@code Z}, to the millisecond. */
    public static final class Timestamps {
        private Timestamps() {
        }

        public static String now() {
            return format(Instant.now());
        }

        public static String format(Instant instant) {
            return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
        }
    }
}
