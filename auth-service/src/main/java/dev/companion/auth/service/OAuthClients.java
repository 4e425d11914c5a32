package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
import dev.companion.auth.config.AuthConfig.ClientType;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registered OAuth clients from configuration; a confidential client without a secret is disabled. */
@ApplicationScoped
public class OAuthClients {

    private static final Logger LOG = Logger.getLogger(OAuthClients.class);

    /** A registered client. {@code secret} is null for public clients. */
    public record RegisteredClient(String clientId, ClientType type, String secret, List<String> redirectUris, boolean firstParty) {

        public boolean isPublic() {
            return type == ClientType.PUBLIC;
        }

        public boolean allowsRedirect(String uri) {
            // exact string match only (RFC 6749 3.1.2.3, OAuth 2.0 Security BCP): no prefixes, no wildcards
            return uri != null && redirectUris.contains(uri);
        }

        public boolean secretMatches(String presented) {
            return secret != null && OpaqueTokens.constantTimeEquals(secret, presented);
        }
    }

    private final Map<String, RegisteredClient> clients = new LinkedHashMap<>();

    public OAuthClients(AuthConfig config) {
        config.clients().forEach((id, c) -> {
            String secret = c.secret().filter(s -> !s.isBlank()).orElse(null);
            if (c.type() == ClientType.CONFIDENTIAL && secret == null) {
                LOG.infof("OAuth client %s is confidential but has no secret configured: disabled", id);
                return;
            }
            List<String> uris = c.redirectUris().stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            clients.put(id, new RegisteredClient(id, c.type(), c.type() == ClientType.PUBLIC ? null : secret, uris, c.firstParty()));
        });
    }

    public Optional<RegisteredClient> find(String clientId) {
        return clientId == null ? Optional.empty() : Optional.ofNullable(clients.get(clientId));
    }
}
