package dev.companion.gateway.ratelimit;

import dev.companion.gateway.config.RateLimitConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Applies the rate-limit table: the first rule whose pattern matches the path, counted per user
 * (token subject) or per client IP, with the limit multiplied by the plan's factor.
 */
@ApplicationScoped
public class RateLimiter {

    private final RateLimitStore store;
    private final RateLimitConfig config;
    private final List<CompiledRule> rules;

    public RateLimiter(RateLimitStore store, RateLimitConfig config) {
        this.store = store;
        this.config = config;
        this.rules = config.rules().stream().map(r -> new CompiledRule(r, Pattern.compile(r.pattern()))).toList();
    }

    /** The rule for {@code path}; the table must end with a catch-all. */
    public RateLimitConfig.Rule ruleFor(String path) {
        for (CompiledRule r : rules) {
            if (r.pattern().matcher(path).matches()) {
                return r.rule();
            }
        }
        throw new IllegalStateException("no rate-limit rule matches " + path + "; end the table with a catch-all");
    }

    /**
     * Counts the request. {@code userId} may be null (public paths): then the client IP counts.
     */
    public Uni<RateLimitDecision> check(String path, String userId, String plan, String clientIp) {
        RateLimitConfig.Rule rule = ruleFor(path);
        boolean perIp = rule.per() == RateLimitConfig.Subject.ip || userId == null;
        String key = rule.name() + ":" + (perIp ? "ip:" + clientIp : "user:" + userId);
        long limit = perIp ? rule.limit() : limitFor(rule, plan);
        return store.hit(key, rule.window()).map(hit -> {
            long resetAfterMillis = Math.max(0, hit.resetAfterMillis());
            long resetAfter = (resetAfterMillis + 999) / 1000;
            long resetEpoch = (System.currentTimeMillis() + resetAfterMillis + 999) / 1000;
            return new RateLimitDecision(hit.count() <= limit, limit, Math.max(0, limit - hit.count()), resetEpoch, resetAfter);
        });
    }

    long limitFor(RateLimitConfig.Rule rule, String plan) {
        double factor = plan == null ? 1.0 : config.planMultipliers().getOrDefault(plan, 1.0);
        return Math.max(1, (long) Math.floor(rule.limit() * factor));
    }

    private record CompiledRule(RateLimitConfig.Rule rule, Pattern pattern) {
    }
}
