package dev.companion.auth.rest;

import dev.companion.auth.config.AuthConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The client address a login is throttled by: the last {@code X-Forwarded-For} entry, which the
 * gateway appends (earlier entries come from the client and are not trusted), or the connection's
 * address when that header is not trusted or absent.
 */
@ApplicationScoped
public class ClientAddress {

    private static final int MAX_LENGTH = 64;

    private final boolean trustForwardedFor;

    public ClientAddress(AuthConfig config) {
        this.trustForwardedFor = config.login().trustForwardedFor();
    }

    public String of(HttpServerRequest request) {
        if (trustForwardedFor) {
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
                if (!last.isEmpty()) {
                    return last.length() > MAX_LENGTH ? last.substring(0, MAX_LENGTH) : last;
                }
            }
        }
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
