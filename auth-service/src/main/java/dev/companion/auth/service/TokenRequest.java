package dev.companion.auth.service;

/** The token endpoint's parameters, whichever encoding (JSON or form) and client authentication (body or Basic) carried them. */
public record TokenRequest(String grantType, String code, String redirectUri, String codeVerifier, String refreshToken,
                           String scope, String clientId, String clientSecret) {
}
