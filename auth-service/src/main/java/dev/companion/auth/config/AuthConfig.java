package dev.companion.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the authorization server is configured with; see the README's configuration table. */
@ConfigMapping(prefix = "companion.auth")
public interface AuthConfig {

    /** {@code iss} of every token; the gateway's public origin. */
    String issuer();

    /** {@code aud} of every token. */
    String audience();

    /** The public origin (the gateway), used for the discovery document's endpoints. */
    String publicBaseUrl();

    Duration accessTokenTtl();

    Duration refreshTokenTtl();

    Duration codeTtl();

    /** Lifetime of the JWT a {@code client_credentials} exchange of an API token yields. */
    Duration apiTokenAccessTtl();

    /** Whoever registers (or is registered) with this email is an admin. */
    Optional<String> bootstrapAdminEmail();

    Keys keys();

    Login login();

    /** Registered OAuth clients by client_id. */
    Map<String, Client> clients();

    interface Keys {
        /** Local key directory: a signing key is generated here on first start when none is configured. */
        String dir();

        /** PKCS#8 PEM private key (prod, from a Secret); when set, the directory is not used. */
        Optional<String> signingKey();

        /** PEM public keys of earlier signing keys, kept in the JWKS until their tokens expired. */
        Optional<String> previousPublicKeys();
    }

    interface Login {
        @WithDefault("12")
        int bcryptCost();

        /** After this many consecutive failures each further attempt must wait (doubling). */
        @WithDefault("3")
        int throttleAfter();

        @WithDefault("PT1S")
        Duration throttleBase();

        /** After this many consecutive failures the account is locked for {@link #lockDuration()}. */
        @WithDefault("10")
        int lockAfter();

        @WithDefault("PT15M")
        Duration lockDuration();
    }

    interface Client {
        /** {@code public} (PKCE required, no secret) or {@code confidential} (secret required). */
        ClientType type();

        /** The client's secret (confidential clients; from the environment). Without one the client is disabled. */
        Optional<String> secret();

        /** Exact redirect URIs; nothing else is ever redirected to. */
        List<String> redirectUris();
    }

    enum ClientType { PUBLIC, CONFIDENTIAL }
}
