package dev.companion.gateway.ratelimit;

/**
 * One entry of {@code GET /v1/user/limits} (seed 001's {@code limits_progress}): the rule's name as
 * {@code feature}, what is left of {@code total} in the current window, and when that window ends
 * ({@code resetAt}, ISO-8601; null while no window is open, as a window starts at its first request).
 */
public record UserLimit(String feature, long remaining, long total, String resetAt) {

    /** True when {@code remaining} moved by more than a tenth of {@code total} from {@code before}. */
    public boolean changedMuchSince(long before) {
        return Math.abs(remaining - before) * 10 > total;
    }
}
