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
        String key = key(rule, userId, clientIp);
        long limit = perIp ? rule.limit() : limitFor(rule, plan);
        return store.hit(key, rule.window()).map(hit -> {
            long resetAfterMillis = Math.max(0, hit.resetAfterMillis());
            long resetAfter = (resetAfterMillis + 999) / 1000;
            long resetEpoch = (System.currentTimeMillis() + resetAfterMillis + 999) / 1000;
            return new RateLimitDecision(hit.count() <= limit, limit, Math.max(0, limit - hit.count()), resetEpoch, resetAfter);
        });
    }

    /**
     * Every rule as the user stands against it, read (not counted) from the same store the requests
     * count in, so every replica answers the same: per-user rules with the plan's limit, per-IP rules
     * ({@code auth}) for {@code clientIp}.
     */
    public Uni<java.util.List<UserLimit>> limits(String userId, String plan, String clientIp) {
        java.util.List<String> keys = rules.stream().map(r -> key(r.rule(), userId, clientIp)).toList();
        return store.peek(keys).map(hits -> {
            long now = System.currentTimeMillis();
            java.util.List<UserLimit> out = new java.util.ArrayList<>(rules.size());
            for (int i = 0; i < rules.size(); i++) {
                RateLimitConfig.Rule rule = rules.get(i).rule();
                RateLimitStore.Hit hit = hits.get(i);
                long total = rule.per() == RateLimitConfig.Subject.ip ? rule.limit() : limitFor(rule, plan);
                String resetAt = hit.resetAfterMillis() < 0 ? null
                        : java.time.Instant.ofEpochMilli(now + hit.resetAfterMillis()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
                out.add(new UserLimit(rule.name(), Math.max(0, total - hit.count()), total, resetAt));
            }
            return out;
        });
    }

    private static String key(RateLimitConfig.Rule rule, String userId, String clientIp) {
        boolean perIp = rule.per() == RateLimitConfig.Subject.ip || userId == null;
        return rule.name() + ":" + (perIp ? "ip:" + clientIp : "user:" + userId);
    }

    long limitFor(RateLimitConfig.Rule rule, String plan) {
        double factor = plan == null ? 1.0 : config.planMultipliers().getOrDefault(plan, 1.0);
        return Math.max(1, (long) Math.floor(rule.limit() * factor));
    }

    private record CompiledRule(RateLimitConfig.Rule rule, Pattern pattern) {
    }
}
