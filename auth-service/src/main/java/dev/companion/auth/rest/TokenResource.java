package dev.companion.auth.rest;

import dev.companion.auth.rest.dto.TokenResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.auth.service.OAuthException;
import dev.companion.auth.service.TokenRequest;
import dev.companion.auth.service.TokenService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;

/**
 * The token endpoint ({@code /v1/auth/token}, JSON as in the seed or form-encoded as in RFC 6749),
 * the seed's {@code /v1/auth/refresh}, and RFC 7009 revocation. Answers are the bare OAuth JSON.
 */
@Path("/v1/auth")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final TokenService tokens;
    private final ObjectMapper mapper;

    public TokenResource(TokenService tokens, ObjectMapper mapper) {
        this.tokens = tokens;
        this.mapper = mapper;
    }

    @POST
    @Path("/token")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> tokenJson(String body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        JsonNode json = parse(body);
        return grant(request(json::get, authorization));
    }

    @POST
    @Path("/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> tokenForm(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return grant(request(formField(form), authorization));
    }

    /** The seed's refresh call: {@code {"refresh_token": …}} (client_id/client_secret optional). */
    @POST
    @Path("/refresh")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> refresh(String body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        JsonNode json = parse(body);
        TokenRequest r = request(json::get, authorization);
        return grant(new TokenRequest("refresh_token", null, null, null, r.refreshToken(), r.scope(), r.clientId(), r.clientSecret()));
    }

    @POST
    @Path("/revoke")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> revokeJson(String body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        JsonNode json = parse(body);
        return revoke(json::get, authorization);
    }

    @POST
    @Path("/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> revokeForm(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return revoke(formField(form), authorization);
    }

    private Uni<Response> grant(TokenRequest request) {
        return tokens.grant(request).map(t -> Response.ok(TokenResponse.of(t))
                .header("Cache-Control", "no-store").header("Pragma", "no-cache").build());
    }

    private Uni<Response> revoke(Function<String, JsonNode> field, String authorization) {
        TokenRequest r = request(field, authorization);
        String token = text(field.apply("token"));
        // RFC 7009 2.2: 200 whether or not the token was known
        return tokens.revoke(token, r.clientId(), r.clientSecret()).map(x -> Response.ok().build());
    }

    private JsonNode parse(String body) {
        try {
            JsonNode json = body == null || body.isBlank() ? null : mapper.readTree(body);
            if (json == null || !json.isObject()) {
                throw OAuthException.invalidRequest("The body must be a JSON object");
            }
            return json;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw OAuthException.invalidRequest("Malformed JSON body");
        }
    }

    private static Function<String, JsonNode> formField(MultivaluedMap<String, String> form) {
        return name -> {
            java.util.List<String> values = form.get(name);
            if (values == null || values.isEmpty()) {
                return null;
            }
            if (values.size() > 1) {
                // RFC 6749 3.2: parameters must not be repeated
                throw OAuthException.invalidRequest("Parameter repeated: " + name);
            }
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(values.get(0));
        };
    }

    private static TokenRequest request(Function<String, JsonNode> field, String authorization) {
        String clientId = text(field.apply("client_id"));
        String clientSecret = text(field.apply("client_secret"));
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            // client_secret_basic: form-urlencoded id and secret, base64 (RFC 6749 2.3.1)
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthException.invalidClient("Malformed Basic credentials");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw OAuthException.invalidClient("Malformed Basic credentials");
            }
            String basicId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            if (clientSecret != null || (clientId != null && !clientId.equals(basicId))) {
                throw OAuthException.invalidRequest("Use one client authentication method");
            }
            clientId = basicId;
            clientSecret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        }
        return new TokenRequest(text(field.apply("grant_type")), text(field.apply("code")), text(field.apply("redirect_uri")),
                text(field.apply("code_verifier")), text(field.apply("refresh_token")), text(field.apply("scope")),
                clientId, clientSecret);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw OAuthException.invalidRequest("Parameters must be strings");
        }
        return node.asText();
    }
}
