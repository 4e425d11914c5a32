package dev.companion.auth.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.companion.auth.model.ApiToken;

import static dev.companion.common.api.ErrorResponse.Timestamps.format;

/**
 * An API token as admins see it. {@code token} (the secret) appears only in the creation answer;
 * it is exchanged with {@code grant_type=client_credentials, client_id=id, client_secret=token}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiTokenResponse(String id, String userId, String name, String token, String createdAt, String createdBy,
                               String lastUsedAt) {

    public static ApiTokenResponse of(ApiToken t, String secret) {
        return new ApiTokenResponse(t.id, t.userId, t.name, secret, format(t.createdAt), t.createdBy, format(t.lastUsedAt));
    }
}
