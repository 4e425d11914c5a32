package dev.companion.auth.rest;

import dev.companion.auth.config.AuthConfig;
import dev.companion.auth.service.Scopes;
import dev.companion.auth.service.SigningKeys;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Public key set and discovery metadata (RFC 8414 / OpenID discovery), at the gateway's public paths. */
@Path("/.well-known")
@Produces(MediaType.APPLICATION_JSON)
public class WellKnownResource {

    private final SigningKeys keys;
    private final AuthConfig config;

    public WellKnownResource(SigningKeys keys, AuthConfig config) {
        this.keys = keys;
        this.config = config;
    }

    @GET
    @Path("/jwks.json")
    public Response jwks() {
        // short cache: verifiers pick up a rotated key within a minute
        return Response.ok(keys.jwks()).header("Cache-Control", "public, max-age=60").build();
    }

    @GET
    @Path("/openid-configuration")
    public Map<String, Object> discovery() {
        String base = config.publicBaseUrl().replaceAll("/+$", "");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", config.issuer());
        doc.put("authorization_endpoint", base + "/v1/auth/authorize");
        doc.put("token_endpoint", base + "/v1/auth/token");
        doc.put("revocation_endpoint", base + "/v1/auth/revoke");
        doc.put("jwks_uri", base + "/.well-known/jwks.json");
        doc.put("response_types_supported", List.of("code"));
        doc.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("token_endpoint_auth_methods_supported", List.of("none", "client_secret_post", "client_secret_basic"));
        doc.put("scopes_supported", Scopes.SUPPORTED);
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("claims_supported", List.of("iss", "aud", "sub", "scope", "groups", "plan", "iat", "exp", "jti"));
        return doc;
    }
}
