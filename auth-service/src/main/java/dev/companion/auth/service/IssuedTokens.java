package dev.companion.auth.service;

/** What a successful grant yields; {@code refreshToken} is null for client_credentials. */
public record IssuedTokens(String accessToken, long expiresIn, String refreshToken) {
}
