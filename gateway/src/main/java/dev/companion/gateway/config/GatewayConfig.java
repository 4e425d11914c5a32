package dev.companion.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;

/** Upstreams, proxy limits and WebSocket settings of the gateway (prefix {@code gateway}). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    Upstreams upstreams();

    Proxy proxy();

    Ws websocket();

    interface Upstreams {
        URI auth();

        URI project();

        URI chat();

        URI image();

        URI download();
    }

    interface Proxy {
        /** Time to open a connection to a service. */
        @WithDefault("3s")
        Duration connectTimeout();

        /** Longest silence from a service (no header, no byte) before the gateway answers 504. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** Largest request body forwarded, in bytes; bigger answers 413. */
        @WithDefault("52428800")
        long maxBodySize();

        CircuitBreaker circuitBreaker();

        /** Timeout of one readiness probe of {@code /v1/health}. */
        @WithDefault("2s")
        Duration healthTimeout();
    }

    interface CircuitBreaker {
        /** Consecutive failures (connect errors, timeouts, 502/503/504) that open the circuit. */
        @WithDefault("5")
        int failureThreshold();

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
    }
}
