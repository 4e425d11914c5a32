package dev.companion.chat.rest;

import dev.companion.chat.agents.AgentRegistry;
import dev.companion.chat.rest.dto.AgentList;
import dev.companion.chat.rest.dto.AgentView;
import dev.companion.common.api.ApiResponse;
import dev.companion.common.security.RequiresScope;
import dev.companion.common.security.Scopes;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code GET /v1/agents}: the caller's connected agents (id, connectedAt, lastHeartbeat, lastMessageAt,
 * busy); a token with the admin role and scope sees every user's (seed 004's {@code /api/connections}).
 */
@RequiresScope(Scopes.AGENT)
@Path("/v1/agents")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AgentResource {

    private final AgentRegistry registry;
    private final JsonWebToken jwt;

    public AgentResource(AgentRegistry registry, JsonWebToken jwt) {
        this.registry = registry;
        this.jwt = jwt;
    }

    @GET
    public Uni<ApiResponse<AgentList>> list() {
        boolean admin = jwt.getGroups() != null && jwt.getGroups().contains("admin")
                && Scopes.parse(jwt.getClaim("scope")).contains(Scopes.ADMIN);
        return registry.list(admin ? null : jwt.getSubject())
                .map(agents -> ApiResponse.ok(new AgentList(agents.stream()
                        .map(a -> new AgentView(a.id(), a.userId(), a.name(), a.connectedAt(), a.lastHeartbeat(), a.lastMessageAt(), a.busy()))
                        .toList())));
    }
}
