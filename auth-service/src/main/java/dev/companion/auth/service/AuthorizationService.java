package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import dev.companion.auth.model.AuthorizationCode;
import dev.companion.auth.model.User;
import dev.companion.auth.repository.AuthorizationCodeRepository;
import dev.companion.auth.service.OAuthClients.RegisteredClient;
import dev.companion.common.id.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.regex.Pattern;

/** The authorization endpoint's rules: which requests are acceptable, and the single-use codes it issues. */
@ApplicationScoped
public class AuthorizationService {

    /** base64url of a SHA-256: exactly 43 characters. */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final OAuthClients clients;
    private final AuthorizationCodeRepository codes;
    private final AuthConfig config;

    public AuthorizationService(OAuthClients clients, AuthorizationCodeRepository codes, AuthConfig config) {
        this.clients = clients;
        this.codes = codes;
        this.config = config;
    }

    /** Checks an authorization request (RFC 6749 4.1.1 + RFC 7636); throws {@link AuthorizeError}. */
    public AuthorizationRequest check(String responseType, String clientId, String redirectUri, String scope,
                                      String state, String codeChallenge, String codeChallengeMethod) {
        // first the checks whose failure must not redirect anywhere
        RegisteredClient client = clients.find(clientId)
                .orElseThrow(() -> new AuthorizeError("invalid_client", "Unknown client_id", null, null));
        String target;
        boolean given = redirectUri != null && !redirectUri.isEmpty();
        if (given) {
            if (!client.allowsRedirect(redirectUri)) {
                throw new AuthorizeError("invalid_request", "redirect_uri is not registered for this client", null, null);
            }
            target = redirectUri;
        } else if (client.redirectUris().size() == 1) {
            target = client.redirectUris().get(0);
        } else {
            throw new AuthorizeError("invalid_request", "redirect_uri is required", null, null);
        }
        // from here the client is known and the URI is its own: errors go back to it
        if (responseType == null || responseType.isEmpty()) {
            throw new AuthorizeError("invalid_request", "response_type is required", target, state);
        }
        if (!"code".equals(responseType)) {
            throw new AuthorizeError("unsupported_response_type", "Only response_type=code is supported", target, state);
        }
        String grantedScope;
        try {
            grantedScope = Scopes.resolve(scope);
        } catch (OAuthException e) {
            throw new AuthorizeError("invalid_scope", e.getMessage(), target, state);
        }
        boolean hasChallenge = codeChallenge != null && !codeChallenge.isEmpty();
        if (client.isPublic() && !hasChallenge) {
            throw new AuthorizeError("invalid_request", "code_challenge is required (PKCE, S256)", target, state);
        }
        if (hasChallenge) {
            if (!"S256".equals(codeChallengeMethod)) {
                throw new AuthorizeError("invalid_request", "code_challenge_method must be S256", target, state);
            }
            if (!S256_CHALLENGE.matcher(codeChallenge).matches()) {
                throw new AuthorizeError("invalid_request", "code_challenge must be 43 base64url characters", target, state);
            }
        }
        return new AuthorizationRequest(client.clientId(), target, given, grantedScope, state, hasChallenge ? codeChallenge : null,
                client.firstParty());
    }

    /** Issues a single-use code for the user's approved request; returns the code (only its hash is kept). */
    public Uni<String> issueCode(AuthorizationRequest request, User user) {
        String code = OpaqueTokens.generate();
        Instant now = Instant.now();
        AuthorizationCode row = new AuthorizationCode();
        row.codeHash = OpaqueTokens.sha256Hex(code);
        row.clientId = request.clientId();
        row.userId = user.id;
        row.redirectUri = request.redirectUri();
        row.redirectUriGiven = request.redirectUriGiven();
        // our own extension keeps every scope the user may have (nothing existing breaks); others get what they asked
        row.scope = request.firstParty() ? Scopes.full(user) : Scopes.forUser(request.scope(), user);
        row.codeChallenge = request.codeChallenge();
        row.familyId = Ids.newId("rtf");
        row.createdAt = now;
        row.expiresAt = now.plus(config.codeTtl());
        return Panache.withTransaction(() -> codes.persist(row)).replaceWith(code);
    }
}
