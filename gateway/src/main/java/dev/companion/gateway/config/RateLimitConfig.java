package dev.companion.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Rate limits (prefix {@code gateway.rate-limit}): an ordered list of rules, the first whose
 * pattern matches the path applies; a plan multiplies the limit (from the token's {@code plan} claim).
 */
@ConfigMapping(prefix = "gateway.rate-limit")
public interface RateLimitConfig {

    /** {@code memory} (one replica) or {@code redis} (several replicas share counters). */
    @WithDefault("memory")
    StoreKind store();

    /** Multiplier of every limit per plan, e.g. {@code pro=5}; a plan not listed counts 1. */
    Map<String, Double> planMultipliers();

    List<Rule> rules();

    enum StoreKind { memory, redis }

    enum Subject { user, ip }

    interface Rule {
        /** Short name, part of the counter key. */
        String name();

        /** Java regex over the whole request path. */
        String pattern();

        int limit();

        Duration window();

        /** Count per user (token subject) or per client IP. */
        @WithDefault("user")
        Subject per();
    }
}
