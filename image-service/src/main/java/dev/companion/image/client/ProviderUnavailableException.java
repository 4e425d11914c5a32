package dev.companion.image.client;

/** A transient provider failure (timeout, 5xx, 429, connection refused): worth a retry, counts for the breaker. */
public class ProviderUnavailableException extends ProviderException {

    public ProviderUnavailableException(String message, Throwable cause) {
        super("SERVICE_UNAVAILABLE", message, true, cause);
    }
}
