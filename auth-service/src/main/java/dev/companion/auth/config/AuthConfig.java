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

    Keys keys();

    AdminSetup adminSetup();

    Revocation revocation();

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

    /** The first admin: a one-time setup token, printed once at the first start without any admin. */
    interface AdminSetup {
        /**
         * A setup token chosen by the operator (from a Secret) instead of a generated one; its hash is
         * stored while no admin exists. Without it a token is generated and logged once.
         */
        Optional<String> token();

        /** Print a new generated token at this start even though an unused one exists (the log was lost). */
        @WithDefault("false")
        boolean reissue();
    }

    /** The Redis denylist of access tokens the gateway checks (logout, replayed refresh-token families). */
    interface Revocation {
        /** Key of a revoked token: prefix + its {@code jti}; must match the gateway's prefix. */
        @WithDefault("companion:revoked:")
        String keyPrefix();
    }

    interface Login {
        @WithDefault("12")
        int bcryptCost();

        /** One account from one client address: the guesses the owner's own typos use up. */
        Throttle accountAddress();

        /** One account from every address: counts each address once per failure streak (a distributed guess). */
        Throttle account();

        /** One client address over every account: credential stuffing from one place. */
        Throttle address();

        /** A key's failure streak is forgotten after this long without an attempt. */
        @WithDefault("PT1H")
        Duration forgetAfter();

        /**
         * Take the client address from the last {@code X-Forwarded-For} entry (the one the gateway
         * appended) rather than the connection; the services are only reachable through the gateway.
         */
        @WithDefault("true")
        boolean trustForwardedFor();
    }

    /** Exponential back-off of one key: free failures, then each further attempt waits base × 2^n, at most max. */
    interface Throttle {
        int freeFailures();

        @WithDefault("PT1S")
        Duration base();

        Duration max();
    }

    interface Client {
        /** {@code public} (PKCE required, no secret) or {@code confidential} (secret required). */
        ClientType type();

        /**
         * Our own client (the extension): its logins get every scope the user may have, whatever
         * {@code scope} asked; third-party clients get what they asked for (never more than the user may).
         */
        @WithDefault("false")
        boolean firstParty();

        /** The client's secret (confidential clients; from the environment). Without one the client is disabled. */
        Optional<String> secret();

        /** Exact redirect URIs; nothing else is ever redirected to. */
        List<String> redirectUris();
    }

    enum ClientType { PUBLIC, CONFIDENTIAL }
}
