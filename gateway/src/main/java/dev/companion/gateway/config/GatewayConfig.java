package dev.companion.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Upstreams, proxy limits and WebSocket settings of the gateway (prefix {@code gateway}). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    Upstreams upstreams();

    Proxy proxy();

    Ws websocket();

    Revocation revocation();

    Events events();

    /** The socket fan-out's consumer ({@code UserEventFanOut}): one group of its own per replica. */
    interface Events {
        /** The topics whose events go to the users' sockets. */
        List<String> topics();

        /** The replica's consumer group; must be unique per replica ({@code gateway-${quarkus.uuid}}). */
        String groupId();

        /**
         * How long a {@code message.complete} may wait for chunks of its text still on chat.stream
         * ({@code StreamOrder}); after that it goes out anyway.
         */
        @WithDefault("1s")
        java.time.Duration maxHold();
    }

    /** The access-token denylist auth-service writes to Redis (logout, reused refresh-token families). */
    interface Revocation {
        /** Checked on every authenticated request and socket; off only where no Redis exists at all. */
        @WithDefault("true")
        boolean enabled();

        /** Key of a revoked token: prefix + its {@code jti}; must match auth-service's prefix. */
        @WithDefault("companion:revoked:")
        String keyPrefix();

        /**
         * How long a "not revoked" answer for a token is reused before Redis is asked again: the longest
         * a revoked token may still pass; 0 asks on every request.
         */
        @WithDefault("1s")
        Duration notRevokedCache();

        /** How often the open sockets' tokens are looked up again (a revoked token's socket closes). */
        @WithDefault("5s")
        Duration socketCheckInterval();
    }

    interface Upstreams {
        URI auth();

        URI project();

        URI chat();

        URI image();

        URI download();
    }

    interface Proxy {
        /** Time to get a connection to a service: from the pool, or opened. */
        @WithDefault("3s")
        Duration connectTimeout();

        /**
         * Open HTTP/1.1 connections to each service replica address, at most. A request that finds them
         * all busy waits up to {@code connect-timeout}, then answers 503 (the service is busy; not counted
         * by the circuit breaker).
         */
        @WithDefault("1000")
        int maxConnectionsPerService();

        /** Longest silence from a service (no header, no byte) before the gateway answers 504. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** Largest request body forwarded, in bytes; bigger answers 413. */
        @WithDefault("52428800")
        long maxBodySize();

        /**
         * Longest request target (path and query) in characters; longer answers 414. Must stay below
         * {@code quarkus.http.limits.max-initial-line-length}, where Vert.x answers by itself without the envelope.
         */
        @WithDefault("8192")
        int maxUriLength();

        /**
         * Largest sum of request header lines (name, value and 4 bytes of separators each); larger answers
         * 431. Must stay below {@code quarkus.http.limits.max-header-size}, where Vert.x answers by itself.
         */
        @WithDefault("20480")
        int maxHeaderSize();

        CircuitBreaker circuitBreaker();

        /** Timeout of one readiness probe of {@code /v1/health}. */
        @WithDefault("2s")
        Duration healthTimeout();
    }

    interface CircuitBreaker {
        /**
         * Failures in a row that open the circuit: connect errors, timeouts of the service and the
         * {@link #failureStatuses()}. A client that goes away, or whose body is too large or too slow, does not count.
         */
        @WithDefault("5")
        int failureThreshold();

        /**
         * Statuses of a service's answer that count as its failure. 500 is not among them by default:
         * any client able to provoke one 500 would otherwise open the circuit for every user.
         */
        @WithDefault("502,503,504")
        Set<Integer> failureStatuses();

        /** How long an open circuit answers 503 at once before one trial request is let through. */
        @WithDefault("10s")
        Duration openDuration();
    }

    interface Ws {
        /** Time a new socket has to send its {@code auth} message. */
        @WithDefault("10s")
        Duration authTimeout();

        /** Period of the {@code ping} event; a socket silent for three periods is dropped. */
        @WithDefault("25s")
        Duration pingInterval();

        /** Messages queued for one slow socket before it is closed. */
        @WithDefault("512")
        int maxQueuedMessages();

        /**
         * Authenticated sockets one user may hold on this replica; one more closes that user's oldest
         * with 1008 (a forgotten tab loses, the tab just opened wins). Every event of a user is sent
         * once per socket, so this bounds what one user can multiply.
         */
        @WithDefault("10")
        int maxSocketsPerUser();

        /**
         * Open sockets (authenticated or not) from one client address on this replica; one more is
         * refused with an error event and 1008.
         */
        @WithDefault("100")
        int maxSocketsPerIp();

        /** How long before its token expires a socket is sent {@code token.expiring}. */
        @WithDefault("60s")
        Duration expiryWarning();

        /**
         * How often each socket's limits are read again, so {@code limits.updated} also follows requests
         * counted by other replicas and windows that ended (this replica's own requests trigger it at once).
         */
        @WithDefault("30s")
        Duration limitsRefreshInterval();
    }
}
