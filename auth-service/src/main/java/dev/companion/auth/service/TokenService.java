package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import dev.companion.auth.model.ApiToken;
import dev.companion.auth.model.AuthorizationCode;
import dev.companion.auth.model.RefreshToken;
import dev.companion.auth.model.User;
import dev.companion.auth.repository.ApiTokenAccessRepository;
import dev.companion.auth.repository.ApiTokenRepository;
import dev.companion.auth.repository.AuthorizationCodeRepository;
import dev.companion.auth.repository.RefreshTokenRepository;
import dev.companion.auth.repository.UserRepository;
import dev.companion.auth.service.OAuthClients.RegisteredClient;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The token endpoint's grants: authorization_code (PKCE or client secret), refresh_token (rotation
 * with reuse detection: a replayed refresh token or code revokes its whole family) and
 * client_credentials (admin-issued API tokens), plus revocation.
 */
@ApplicationScoped
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class);
    /** RFC 7636 4.1: 43–128 unreserved characters. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    public static final String API_TOKEN_ID_PREFIX = "key";

    /**
     * A grant's result: tokens, or an error to raise after the transaction committed (so revocations
     * stick), with the access tokens of a revoked family to denylist once it has.
     */
    private record Outcome(IssuedTokens tokens, OAuthException error, List<AccessTokenDenylist.Revoked> revoked) {
        Outcome(IssuedTokens tokens, OAuthException error) {
            this(tokens, error, List.of());
        }

        static Outcome fail(OAuthException e) {
            return new Outcome(null, e);
        }

        Uni<IssuedTokens> unwrap() {
            return error != null ? Uni.createFrom().failure(error) : Uni.createFrom().item(tokens);
        }
    }

    private final OAuthClients clients;
    private final AuthorizationCodeRepository codes;
    private final RefreshTokenRepository refreshTokens;
    private final ApiTokenRepository apiTokens;
    private final UserRepository users;
    private final TokenIssuer issuer;
    private final AuthConfig config;
    private final AccessTokenDenylist denylist;
    private final ApiTokenAccessRepository apiTokenAccess;

    public TokenService(OAuthClients clients, AuthorizationCodeRepository codes, RefreshTokenRepository refreshTokens,
                        ApiTokenRepository apiTokens, UserRepository users, TokenIssuer issuer, AuthConfig config,
                        AccessTokenDenylist denylist, ApiTokenAccessRepository apiTokenAccess) {
        this.denylist = denylist;
        this.apiTokenAccess = apiTokenAccess;
        this.clients = clients;
        this.codes = codes;
        this.refreshTokens = refreshTokens;
        this.apiTokens = apiTokens;
        this.users = users;
        this.issuer = issuer;
        this.config = config;
    }

    public Uni<IssuedTokens> grant(TokenRequest request) {
        if (request.grantType() == null || request.grantType().isEmpty()) {
            return Uni.createFrom().failure(OAuthException.invalidRequest("grant_type is required"));
        }
        try {
            return switch (request.grantType()) {
                case "authorization_code" -> authorizationCode(request);
                case "refresh_token" -> refresh(request);
                case "client_credentials" -> clientCredentials(request);
                default -> throw OAuthException.unsupportedGrantType("Unsupported grant_type: " + request.grantType());
            };
        } catch (OAuthException e) {
            return Uni.createFrom().failure(e);
        }
    }

    private Uni<IssuedTokens> authorizationCode(TokenRequest request) {
        if (blank(request.code())) {
            throw OAuthException.invalidRequest("code is required");
        }
        RegisteredClient client = authenticateClient(request.clientId(), request.clientSecret());
        String hash = OpaqueTokens.sha256Hex(request.code());
        Instant now = Instant.now();
        return Panache.withTransaction(() -> codes.findById(hash).flatMap(code -> {
            if (code == null || !code.clientId.equals(client.clientId())) {
                return Uni.createFrom().item(Outcome.fail(OAuthException.invalidGrant("Invalid authorization code")));
            }
            if (code.usedAt != null) {
                return replayed(code.familyId, "Authorization code already used");
            }
            if (!code.expiresAt.isAfter(now)) {
                return Uni.createFrom().item(Outcome.fail(OAuthException.invalidGrant("Authorization code expired")));
            }
            OAuthException mismatch = checkRedirectAndPkce(code, request, client);
            if (mismatch != null) {
                return Uni.createFrom().item(Outcome.fail(mismatch));
            }
            return codes.claim(hash, now).flatMap(first -> first
                    ? userOf(code.userId).flatMap(user -> issue(user, client.clientId(), code.scope, code.familyId)).map(t -> new Outcome(t, null))
                    : replayed(code.familyId, "Authorization code already used"));
        })).flatMap(this::finish);
    }

    private static OAuthException checkRedirectAndPkce(AuthorizationCode code, TokenRequest request, RegisteredClient client) {
        if (code.redirectUriGiven ? !code.redirectUri.equals(request.redirectUri())
                : request.redirectUri() != null && !code.redirectUri.equals(request.redirectUri())) {
            return OAuthException.invalidGrant("redirect_uri does not match the authorization request");
        }
        if (code.codeChallenge == null) {
            if (client.isPublic()) {
                return OAuthException.invalidGrant("Authorization code was issued without PKCE");
            }
            return request.codeVerifier() == null ? null
                    : OAuthException.invalidGrant("code_verifier given but the authorization request had no code_challenge");
        }
        if (blank(request.codeVerifier())) {
            return OAuthException.invalidGrant("code_verifier is required");
        }
        if (!VERIFIER.matcher(request.codeVerifier()).matches()) {
            return OAuthException.invalidGrant("code_verifier is malformed");
        }
        String computed = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(OpaqueTokens.sha256(request.codeVerifier().getBytes(StandardCharsets.US_ASCII)));
        if (!java.security.MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                code.codeChallenge.getBytes(StandardCharsets.US_ASCII))) {
            return OAuthException.invalidGrant("code_verifier does not match the code_challenge");
        }
        return null;
    }

    private Uni<IssuedTokens> refresh(TokenRequest request) {
        if (blank(request.refreshToken())) {
            throw OAuthException.invalidRequest("refresh_token is required");
        }
        String hash = OpaqueTokens.sha256Hex(request.refreshToken());
        Instant now = Instant.now();
        return Panache.withTransaction(() -> refreshTokens.findById(hash).flatMap(token -> {
            if (token == null) {
                return Uni.createFrom().item(Outcome.fail(OAuthException.invalidGrant("Invalid refresh token")));
            }
            if (request.clientId() != null && !request.clientId().equals(token.clientId)) {
                return Uni.createFrom().item(Outcome.fail(OAuthException.invalidGrant("Refresh token was issued to another client")));
            }
            RegisteredClient client = clients.find(token.clientId).orElse(null);
            if (client == null) {
                return Uni.createFrom().item(Outcome.fail(OAuthException.invalidGrant("Client no longer registered")));
            }
            if (!client.isPublic() && !client.secretMatches(request.clientSecret())) {
                return Uni.createFrom().item(Outcome.fail(OAuthException.invalidClient("Client authentication failed")));
            }
            if (token.revokedAt != null) {
                return Uni.createFrom().item(Outcome.fail(OAuthException.invalidGrant("Refresh token revoked")));
            }
            if (token.usedAt != null) {
                return replayed(token.familyId, "Refresh token already used");
            }
            if (!token.expiresAt.isAfter(now)) {
                return Uni.createFrom().item(Outcome.fail(OAuthException.invalidGrant("Refresh token expired")));
            }
            String scope = token.scope;
            if (!blank(request.scope())) {
                if (!Scopes.within(request.scope(), token.scope)) {
                    return Uni.createFrom().item(Outcome.fail(OAuthException.invalidScope("Scope exceeds the original grant")));
                }
                scope = Scopes.resolve(request.scope());
            }
            String granted = scope;
            return refreshTokens.claim(hash, now).flatMap(first -> first
                    ? userOf(token.userId).flatMap(user -> issue(user, token.clientId, granted, token.familyId)).map(t -> new Outcome(t, null))
                    : replayed(token.familyId, "Refresh token already used"));
        })).flatMap(this::finish);
    }

    private Uni<IssuedTokens> clientCredentials(TokenRequest request) {
        // the secret alone (cmp_…) identifies its token too: tools that only take an "API key" (OpenAI clients,
        // through the gateway) present just that
        boolean secretOnly = blank(request.clientId()) && !blank(request.clientSecret()) && request.clientSecret().startsWith("cmp_");
        if (!secretOnly && (blank(request.clientId()) || blank(request.clientSecret()))) {
            throw OAuthException.invalidClient("client_id and client_secret (the API token) are required");
        }
        if (!secretOnly && clients.find(request.clientId()).isPresent()) {
            throw OAuthException.unauthorizedClient("This client may not use client_credentials");
        }
        // API tokens act for the user, never as an admin
        String scope = Scopes.withoutAdmin(Scopes.resolve(request.scope()));
        String secretHash = OpaqueTokens.sha256Hex(request.clientSecret());
        return Panache.withTransaction(() -> (secretOnly ? apiTokens.findByHash(secretHash) : apiTokens.findById(request.clientId())).flatMap(token -> {
            if (token == null || !OpaqueTokens.constantTimeEquals(token.tokenHash, OpaqueTokens.sha256Hex(request.clientSecret()))) {
                return Uni.createFrom().<IssuedTokens>failure(OAuthException.invalidClient("Client authentication failed"));
            }
            token.lastUsedAt = Instant.now();
            return userOf(token.userId).flatMap(user -> {
                // API tokens act for the user but never with admin rights
                TokenIssuer.AccessToken access = issuer.sign(user, scope, Set.of(User.ROLE_USER), config.apiTokenAccessTtl());
                // remembered so that deleting the API token denylists it (and closes its agent sockets)
                return apiTokenAccess.record(token.id, access.jti(), access.expiresAt())
                        .replaceWith(new IssuedTokens(access.value(), config.apiTokenAccessTtl().toSeconds(), null));
            });
        }));
    }

    /**
     * RFC 7009: revokes the refresh token's whole family, and denylists the family's access tokens;
     * unknown tokens are silently accepted.
     */
    public Uni<Void> revoke(String token, String clientId, String clientSecret) {
        if (blank(token)) {
            return Uni.createFrom().failure(OAuthException.invalidRequest("token is required"));
        }
        Instant now = Instant.now();
        return Panache.withTransaction(() -> refreshTokens.findById(OpaqueTokens.sha256Hex(token)).flatMap(row -> {
            if (row == null || (clientId != null && !clientId.equals(row.clientId))) {
                return Uni.createFrom().item(List.<AccessTokenDenylist.Revoked>of());
            }
            RegisteredClient client = clients.find(row.clientId).orElse(null);
            if (client != null && !client.isPublic() && !client.secretMatches(clientSecret)) {
                return Uni.createFrom().<List<AccessTokenDenylist.Revoked>>failure(OAuthException.invalidClient("Client authentication failed"));
            }
            return refreshTokens.revokeFamily(row.familyId, now)
                    .flatMap(n -> refreshTokens.liveAccessOfFamily(row.familyId, now)).map(TokenService::revokedOf);
        })).flatMap(revoked -> denylist.revokeQuietly(revoked, "revocation"));
    }

    /**
     * Ends every session of the user: all live refresh tokens are revoked and every access token
     * issued to the user that has not expired (the caller's own included) is denylisted. Fails with
     * 503 when the denylist cannot be written, so the client can log out again.
     */
    public Uni<Integer> logout(String userId, String currentJti, Instant currentExpiresAt) {
        Instant now = Instant.now();
        return Panache.withTransaction(() -> refreshTokens.revokeAllOfUser(userId, now)
                        .flatMap(n -> refreshTokens.liveAccessOfUser(userId, now).map(rows -> {
                            List<AccessTokenDenylist.Revoked> revoked = new java.util.ArrayList<>(revokedOf(rows));
                            revoked.add(new AccessTokenDenylist.Revoked(currentJti, currentExpiresAt));
                            return new Object[]{n, revoked};
                        })))
                .flatMap(r -> {
                    @SuppressWarnings("unchecked")
                    List<AccessTokenDenylist.Revoked> revoked = (List<AccessTokenDenylist.Revoked>) r[1];
                    return denylist.revoke(revoked).replaceWith((Integer) r[0])
                            .onFailure().transform(e -> {
                                LOG.errorf("logout of %s: access tokens not denylisted: %s", userId, e.toString());
                                return new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
                                        "Sessions ended, but access tokens could not be revoked yet; log out again", null, 1);
                            });
                });
    }

    private Uni<Outcome> replayed(String familyId, String message) {
        // a code or refresh token presented twice means one copy is stolen: end the whole chain,
        // its access tokens included (denylisted once this transaction committed)
        LOG.infof("replay detected, revoking token family %s", familyId);
        Instant now = Instant.now();
        return refreshTokens.revokeFamily(familyId, now)
                .flatMap(n -> refreshTokens.liveAccessOfFamily(familyId, now))
                .map(rows -> new Outcome(null, OAuthException.invalidGrant(message), revokedOf(rows)));
    }

    private Uni<IssuedTokens> finish(Outcome outcome) {
        if (outcome.revoked().isEmpty()) {
            return outcome.unwrap();
        }
        return denylist.revokeQuietly(outcome.revoked(), "replayed family").flatMap(v -> outcome.unwrap());
    }

    private static List<AccessTokenDenylist.Revoked> revokedOf(List<RefreshToken> rows) {
        return rows.stream().map(r -> new AccessTokenDenylist.Revoked(r.accessJti, r.accessExpiresAt)).toList();
    }

    private Uni<IssuedTokens> issue(User user, String clientId, String scope, String familyId) {
        String refresh = OpaqueTokens.generate();
        Instant now = Instant.now();
        RefreshToken row = new RefreshToken();
        row.tokenHash = OpaqueTokens.sha256Hex(refresh);
        row.familyId = familyId;
        row.userId = user.id;
        row.clientId = clientId;
        row.scope = scope;
        row.createdAt = now;
        row.expiresAt = now.plus(config.refreshTokenTtl());
        TokenIssuer.AccessToken access = issuer.sign(user, scope, user.roleSet(), config.accessTokenTtl());
        row.accessJti = access.jti();
        row.accessExpiresAt = access.expiresAt();
        return refreshTokens.persist(row).map(saved -> new IssuedTokens(access.value(),
                config.accessTokenTtl().toSeconds(), refresh));
    }

    private Uni<User> userOf(String userId) {
        return users.findById(userId).onItem().ifNull().failWith(() -> OAuthException.invalidGrant("User no longer exists"));
    }

    private RegisteredClient authenticateClient(String clientId, String secret) {
        if (blank(clientId)) {
            throw OAuthException.invalidRequest("client_id is required");
        }
        RegisteredClient client = clients.find(clientId).orElseThrow(() -> OAuthException.invalidClient("Unknown client"));
        if (client.isPublic()) {
            if (!blank(secret)) {
                throw OAuthException.invalidClient("Public clients have no secret");
            }
            return client;
        }
        if (!client.secretMatches(secret)) {
            throw OAuthException.invalidClient("Client authentication failed");
        }
        return client;
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
