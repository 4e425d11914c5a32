package dev.companion.auth.rest;

import dev.companion.auth.service.AuthorizationRequest;
import dev.companion.auth.service.AuthorizationService;
import dev.companion.auth.service.AuthorizeError;
import dev.companion.auth.service.UserService;
import dev.companion.auth.service.UserService.LoginResult;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The authorization endpoint (RFC 6749 4.1 with PKCE): GET shows the login + consent page, POST of
 * that form checks the password and redirects to the client's registered URI with a code and state.
 */
@Path("/v1/auth/authorize")
public class AuthorizeResource {

    private final AuthorizationService authorization;
    private final UserService users;
    private final ClientAddress addresses;

    public AuthorizeResource(AuthorizationService authorization, UserService users, ClientAddress addresses) {
        this.authorization = authorization;
        this.users = users;
        this.addresses = addresses;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response show(@RestQuery("response_type") String responseType, @RestQuery("client_id") String clientId,
                         @RestQuery("redirect_uri") String redirectUri, @RestQuery String scope, @RestQuery String state,
                         @RestQuery("code_challenge") String codeChallenge,
                         @RestQuery("code_challenge_method") String codeChallengeMethod) {
        try {
            AuthorizationRequest request = authorization.check(responseType, clientId, redirectUri, scope, state,
                    codeChallenge, codeChallengeMethod);
            return page(200, LoginPage.form(request, null, null));
        } catch (AuthorizeError e) {
            return failure(e);
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> submit(@RestForm("response_type") String responseType, @RestForm("client_id") String clientId,
                                @RestForm("redirect_uri") String redirectUri, @RestForm String scope, @RestForm String state,
                                @RestForm("code_challenge") String codeChallenge,
                                @RestForm("code_challenge_method") String codeChallengeMethod,
                                @RestForm String email, @RestForm String password, @RestForm String decision,
                                HttpServerRequest http) {
        AuthorizationRequest request;
        try {
            request = authorization.check(responseType, clientId, redirectUri, scope, state, codeChallenge, codeChallengeMethod);
        } catch (AuthorizeError e) {
            return Uni.createFrom().item(failure(e));
        }
        if ("deny".equals(decision)) {
            return Uni.createFrom().item(redirect(request.redirectUri(), "error", "access_denied",
                    "error_description", "The user denied the request", "state", request.state()));
        }
        if (email == null || email.isBlank() || password == null || password.isEmpty()) {
            return Uni.createFrom().item(page(400, LoginPage.form(request, email, "Enter your email and password.")));
        }
        return users.authenticate(email, password, addresses.of(http)).flatMap(result -> switch (result.outcome()) {
            case OK -> authorization.issueCode(request, result.user())
                    .map(code -> redirect(request.redirectUri(), "code", code, "state", request.state()));
            case INVALID -> Uni.createFrom().item(page(401, LoginPage.form(request, email, "Wrong email or password.")));
            case THROTTLED -> Uni.createFrom().item(tooMany(request, email, result));
        });
    }

    private static Response tooMany(AuthorizationRequest request, String email, LoginResult result) {
        long seconds = Math.max(1, (result.retryAfter().toMillis() + 999) / 1000);
        String message = "Too many failed sign-ins: wait " + seconds + " seconds before trying again.";
        return Response.status(429).type(MediaType.TEXT_HTML_TYPE).entity(LoginPage.form(request, email, message))
                .header("Retry-After", seconds).header("Cache-Control", "no-store")
                .header("X-Frame-Options", "DENY").header("Content-Security-Policy", CSP).build();
    }

    private static Response failure(AuthorizeError e) {
        if (e.redirectUri() == null) {
            return page(400, LoginPage.error(e.error(), e.getMessage()));
        }
        return redirect(e.redirectUri(), "error", e.error(), "error_description", e.getMessage(), "state", e.state());
    }

    /** A 302 to the (already verified) redirect URI with the given query parameters; null values are left out. */
    static Response redirect(String redirectUri, String... params) {
        StringBuilder uri = new StringBuilder(redirectUri);
        char sep = redirectUri.contains("?") ? '&' : '?';
        for (int i = 0; i < params.length; i += 2) {
            if (params[i + 1] == null) {
                continue;
            }
            uri.append(sep).append(params[i]).append('=').append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
            sep = '&';
        }
        return Response.status(302).location(URI.create(uri.toString())).header("Cache-Control", "no-store").build();
    }

    // the login page must not be framed (clickjacking) nor load anything foreign; no form-action:
    // browsers apply it to the redirect after the post, which goes to the client's own URI
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    private static Response page(int status, String html) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(html)
                .header("Cache-Control", "no-store").header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", CSP).build();
    }
}
