package dev.companion.common.security;

import dev.companion.common.api.ErrorCode;
import dev.companion.common.api.ErrorResponse;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * Enforces {@link RequiresScope} in every service (defence in depth behind the gateway's own check):
 * a verified token whose {@code scope} claim lacks the route's scope gets 403 {@code FORBIDDEN}
 * {@code {requiredScope}}. Anonymous requests pass on to {@code @Authenticated}, which answers 401.
 */
public class ScopeFilter {

    private final CurrentIdentityAssociation identity;

    public ScopeFilter(CurrentIdentityAssociation identity) {
        this.identity = identity;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Response> requireScope(ContainerRequestContext request, ResourceInfo resource) {
        String required = requiredScope(resource);
        if (required == null) {
            return Uni.createFrom().nullItem();
        }
        return identity.getDeferredIdentity().map(id -> {
            if (id.isAnonymous() || !(id.getPrincipal() instanceof JsonWebToken jwt)) {
                return null;
            }
            if (Scopes.grants(jwt.getClaim("scope"), required)) {
                return null;
            }
            return forbidden(required);
        });
    }

    /** The 403 every component answers for a token without the route's scope. */
    public static Response forbidden(String required) {
        return Response.status(403).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(ErrorCode.FORBIDDEN, "This token's scope does not allow this route",
                        Map.of("requiredScope", required), null)).build();
    }

    static String requiredScope(ResourceInfo resource) {
        if (resource == null) {
            return null;
        }
        Method method = resource.getResourceMethod();
        RequiresScope onMethod = method == null ? null : method.getAnnotation(RequiresScope.class);
        if (onMethod != null) {
            return onMethod.value();
        }
        Class<?> type = resource.getResourceClass();
        RequiresScope onClass = type == null ? null : type.getAnnotation(RequiresScope.class);
        return onClass == null ? null : onClass.value();
    }
}
