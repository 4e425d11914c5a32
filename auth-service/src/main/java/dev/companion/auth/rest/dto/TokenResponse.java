package dev.companion.auth.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.companion.auth.service.IssuedTokens;

/** The seed's token answer, exactly: access_token, token_type, expires_in, refresh_token (absent for client_credentials). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenResponse(@JsonProperty("access_token") String accessToken,
                            @JsonProperty("token_type") String tokenType,
                            @JsonProperty("expires_in") long expiresIn,
                            @JsonProperty("refresh_token") String refreshToken) {

    public static TokenResponse of(IssuedTokens t) {
        return new TokenResponse(t.accessToken(), "Bearer", t.expiresIn(), t.refreshToken());
    }
}
