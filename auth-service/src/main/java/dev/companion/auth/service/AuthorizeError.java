package dev.companion.auth.service;

/**
 * An authorization request that cannot go on. With a trusted {@code redirectUri} the error goes back to
 * the client there (RFC 6749 4.1.2.1); without one (unknown client, unregistered or missing URI) it is
 * shown to the user and nobody is redirected.
 */
public class AuthorizeError extends RuntimeException {

    private final String error;
    private final String redirectUri;
    private final String state;

    public AuthorizeError(String error, String description, String redirectUri, String state) {
        super(description, null, false, false);
        this.error = error;
        this.redirectUri = redirectUri;
        this.state = state;
    }

    public String error() {
        return error;
    }

    /** Where to send the error, or null: show it, never redirect. */
    public String redirectUri() {
        return redirectUri;
    }

    public String state() {
        return state;
    }
}
