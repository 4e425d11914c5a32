package dev.companion.chat.client;

/**
 * A provider failure with the code the client sees in {@code message.error} ({@code rate_limit},
 * {@code timeout}, {@code provider_error}, {@code no_accounts}…) and, for key-pool failures, the pool
 * error type of seed 003.
 */
public class ProviderException extends RuntimeException {

    private final String code;
    private final PoolErrorType poolError;
    /** True when nothing was received from the provider yet: a retry or fallback is still safe. */
    private final boolean beforeFirstToken;

    public ProviderException(String code, String message, PoolErrorType poolError, boolean beforeFirstToken) {
        super(message, null, false, false);
        this.code = code;
        this.poolError = poolError;
        this.beforeFirstToken = beforeFirstToken;
    }

    public static ProviderException pool(PoolErrorType type, String message) {
        return new ProviderException(type.messageErrorCode(), message, type, true);
    }

    public static ProviderException providerError(String message, boolean beforeFirstToken) {
        return new ProviderException("provider_error", message, null, beforeFirstToken);
    }

    public String code() {
        return code;
    }

    public PoolErrorType poolError() {
        return poolError;
    }

    public boolean beforeFirstToken() {
        return beforeFirstToken;
    }
}
