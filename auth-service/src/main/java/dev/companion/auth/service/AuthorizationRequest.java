package dev.companion.auth.service;

/**
 * A checked authorization request. {@code redirectUri} is always a registered URI of the client;
 * {@code redirectUriGiven} tells whether the request named it.
 */
public record AuthorizationRequest(String clientId, String redirectUri, boolean redirectUriGiven, String scope,
                                   String state, String codeChallenge, boolean firstParty) {
}
