package dev.companion.gateway.routing;

import dev.companion.common.security.Scopes;
import dev.companion.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The route table of ARCHITECTURE.md: path → service. Order matters, so the more specific
 * routes ({@code /v1/projects/{id}/chats}, the download paths under {@code /v1/images}) come first.
 * Matched against the canonical path ({@link CanonicalPath}), which is also what is forwarded.
 */
@ApplicationScoped
public class RouteTable {

    /** Paths that need no token. */
    private static final Pattern PUBLIC = Pattern.compile("^(/v1/auth(/.*)?|/v1/health/?|/\\.well-known(/.*)?|/v1/share/[^/]+/?)$");

    /** The browser agents' WebSocket (issue #19), relayed to chat-service by {@link WebSocketRelay}. */
    public static final String AGENT_SOCKET = "/v1/agents/connect";

    private final List<Route> routes;
    private final Map<String, Upstream> byName;

    public RouteTable(GatewayConfig config) {
        GatewayConfig.Upstreams u = config.upstreams();
        Upstream auth = new Upstream("auth-service", u.auth());
        Upstream project = new Upstream("project-service", u.project());
        Upstream chat = new Upstream("chat-service", u.chat());
        Upstream image = new Upstream("image-service", u.image());
        Upstream download = new Upstream("download-service", u.download());
        // the scope each route needs (null: any valid token; the public paths need none at all)
        this.routes = List.of(
                new Route(Pattern.compile("^/v1/admin(/.*)?$"), auth, Scopes.ADMIN),
                new Route(Pattern.compile("^/v1/(auth|user)(/.*)?$"), auth, null),
                new Route(Pattern.compile("^/\\.well-known(/.*)?$"), auth, null),
                new Route(Pattern.compile("^/v1/projects/[^/]+/chats/?$"), chat, Scopes.CHATS),
                new Route(Pattern.compile("^/v1/(projects|instructions)(/.*)?$"), project, Scopes.PROJECTS),
                new Route(Pattern.compile("^/v1/chats(/.*)?$"), chat, Scopes.CHATS),
                new Route(Pattern.compile("^/v1/(memories|templates)(/.*)?$"), chat, Scopes.CHATS),
                new Route(Pattern.compile("^/v1/agents(/.*)?$"), chat, Scopes.AGENT),
                new Route(Pattern.compile("^/v1/ask/?$"), chat, Scopes.CHATS),
                new Route(Pattern.compile("^/v1/openai(/.*)?$"), chat, Scopes.CHATS),
                // share links (issue #18): the owner's list needs a token; a link itself is public (PUBLIC above)
                new Route(Pattern.compile("^/v1/shares/?$"), chat, Scopes.CHATS),
                new Route(Pattern.compile("^/v1/share/[^/]+/?$"), chat, null),
                new Route(Pattern.compile("^/v1/images/[^/]+/download/?$"), download, Scopes.DOWNLOADS),
                new Route(Pattern.compile("^/v1/images/download(/.*)?$"), download, Scopes.DOWNLOADS),
                new Route(Pattern.compile("^/v1/downloads(/.*)?$"), download, Scopes.DOWNLOADS),
                new Route(Pattern.compile("^/v1/images(/.*)?$"), image, Scopes.IMAGES));
        this.byName = Map.of(auth.name(), auth, project.name(), project, chat.name(), chat,
                image.name(), image, download.name(), download);
    }

    /** The service that serves {@code path}, if any. */
    public Optional<Upstream> find(String path) {
        return match(path).map(Route::upstream);
    }

    /** The scope a token needs for {@code path}; null when any valid token will do (or the path is public). */
    public String requiredScope(String path) {
        return match(path).map(Route::scope).orElse(null);
    }

    private Optional<Route> match(String path) {
        for (Route r : routes) {
            if (r.pattern().matcher(path).matches()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public boolean isPublic(String path) {
        return PUBLIC.matcher(path).matches();
    }

    public Optional<Upstream> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All services, in a stable order (for health and API docs). */
    public List<Upstream> upstreams() {
        return byName.values().stream().sorted(java.util.Comparator.comparing(Upstream::name)).toList();
    }

    private record Route(Pattern pattern, Upstream upstream, String scope) {
    }
}
