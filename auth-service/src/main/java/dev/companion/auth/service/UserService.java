package dev.companion.auth.service;

import dev.companion.auth.model.User;
import dev.companion.auth.model.UserUsage;
import dev.companion.auth.repository.UsageRepository;
import dev.companion.auth.repository.UserRepository;
import dev.companion.common.api.ApiException;
import dev.companion.common.id.Ids;
import dev.companion.common.outbox.Outbox;
import dev.companion.events.UserRegistered;
import dev.companion.events.UserSnapshot;
import dev.companion.events.UserUpdated;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Accounts: registration, password checks with throttling (no lock), profile changes, roles. */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);

    /** What a login attempt came to. {@code retryAfter} is set for THROTTLED. */
    public record LoginResult(Outcome outcome, User user, Duration retryAfter) {
        public enum Outcome { OK, INVALID, THROTTLED }
    }

    /** A user with the usage counts other services' events built up. */
    public record Profile(User user, UserUsage usage) {
    }

    private final UserRepository users;
    private final UsageRepository usage;
    private final PasswordHasher hasher;
    private final Outbox outbox;
    private final LoginThrottle throttle;
    private final AdminAuditLog audit;

    public UserService(UserRepository users, UsageRepository usage, PasswordHasher hasher, Outbox outbox, LoginThrottle throttle,
                       AdminAuditLog audit) {
        this.throttle = throttle;
        this.audit = audit;
        this.users = users;
        this.usage = usage;
        this.hasher = hasher;
        this.outbox = outbox;
    }

    public Uni<User> register(String email, String password, String name) {
        String normalized = User.normalize(email);
        return hasher.hash(password).flatMap(hash -> Panache.withTransaction(() -> users.findByEmail(normalized)
                .flatMap(existing -> {
                    if (existing != null) {
                        throw new ApiException(dev.companion.common.api.ErrorCode.CONFLICT,
                                "An account with this email already exists", java.util.Map.of("field", "email", "constraint", "unique"));
                    }
                    Instant now = Instant.now();
                    User user = new User();
                    user.id = Ids.newId("user");
                    user.email = email.trim();
                    user.emailNormalized = normalized;
                    user.name = name.trim();
                    user.passwordHash = hash;
                    user.plan = "free";
                    // never an admin by registering: the first admin comes from the one-time setup token (AdminSetup)
                    user.roles = User.ROLE_USER;
                    user.createdAt = now;
                    user.updatedAt = now;
                    return users.persist(user)
                            .call(u -> publish(UserRegistered.TYPE, u));
                })))
                // two registrations racing for one email: the unique index decides
                .onFailure(UserService::isUniqueViolation).transform(e -> ApiException.conflict("An account with this email already exists"));
    }

    /**
     * Checks a password from a client address. The attempt first reserves its place with {@link
     * LoginThrottle} (per account and address, per account, per address; exponential back-off, no lock),
     * so a throttled attempt never reaches bcrypt; a success gives the place back. Unknown emails
     * are throttled and answered exactly like known ones and cost one bcrypt check (a decoy hash).
     */
    public Uni<LoginResult> authenticate(String email, String password, String address) {
        String normalized = User.normalize(email);
        return throttle.reserve(normalized, address).flatMap(decision -> {
            if (!decision.allowed()) {
                return Uni.createFrom().item(new LoginResult(LoginResult.Outcome.THROTTLED, null, decision.retryAfter()));
            }
            return Panache.withSession(() -> users.findByEmail(normalized))
                    .flatMap(user -> hasher.matches(password, user == null ? null : user.passwordHash).flatMap(ok -> ok
                            ? throttle.succeeded(normalized, address).replaceWith(new LoginResult(LoginResult.Outcome.OK, user, null))
                            : Uni.createFrom().item(new LoginResult(LoginResult.Outcome.INVALID, null, null))));
        });
    }

    public Uni<User> get(String userId) {
        return Panache.withSession(() -> users.findById(userId))
                .onItem().ifNull().failWith(() -> ApiException.notFound("User", userId));
    }

    public Uni<Profile> profile(String userId) {
        return Panache.withSession(() -> users.findById(userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("User", userId))
                .flatMap(user -> usage.findById(userId).map(u -> new Profile(user, u))));
    }

    public Uni<java.util.List<User>> list(dev.companion.common.api.PageRequest page) {
        return Panache.withSession(() -> users.listPage(page.offset(), page.limit()));
    }

    public Uni<Long> count() {
        return Panache.withSession(() -> users.count());
    }

    public Uni<User> rename(String userId, String name) {
        return Panache.withTransaction(() -> users.findById(userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("User", userId))
                .flatMap(user -> {
                    user.name = name.trim();
                    user.updatedAt = Instant.now();
                    return publish(UserUpdated.TYPE, user).replaceWith(user);
                }));
    }

    /**
     * The user's full public state as the event of {@code type} ({@code user.registered} or {@code user.updated}):
     * {@code {id, email, name, plan, roles}}, roles in the order stored. Never the password hash.
     */
    public static UserSnapshot toEvent(String type, User user) {
        return UserSnapshot.of(type, user.id, user.email, user.name, user.plan, List.copyOf(user.roleSet()));
    }

    /** Records the event in the outbox, in the caller's transaction: on user.events, keyed by the user's id. */
    private Uni<Void> publish(String type, User user) {
        return outbox.publish(toEvent(type, user), user.id).replaceWithVoid();
    }

    /**
     * An admin sets a user's roles ({@code user} always, {@code admin} optionally), audited in the same
     * transaction; emits {@code user.updated}. An admin cannot take admin away from themself, so
     * there is always one left. The new roles reach tokens at the user's next login.
     */
    public Uni<User> setRoles(String actorId, String userId, java.util.Set<String> roles) {
        boolean admin = roles.contains(User.ROLE_ADMIN);
        if (actorId.equals(userId) && !admin) {
            return Uni.createFrom().failure(ApiException.conflict("An admin cannot remove their own admin role"));
        }
        return Panache.withTransaction(() -> users.findById(userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("User", userId))
                .flatMap(user -> {
                    String before = String.join(",", user.roleSet());
                    if (admin) {
                        user.addRole(User.ROLE_ADMIN);
                    } else {
                        user.removeRole(User.ROLE_ADMIN);
                    }
                    String after = String.join(",", user.roleSet());
                    if (before.equals(after)) {
                        return Uni.createFrom().item(user);
                    }
                    user.updatedAt = Instant.now();
                    return audit.record(actorId, AdminAuditLog.ROLES_CHANGED, "user", user.id, before + " -> " + after)
                            .flatMap(v -> publish(UserUpdated.TYPE, user)).replaceWith(user);
                }));
    }

    /**
     * An admin sets a user's plan ({@code free} or {@code pro}), audited in the same transaction; emits
     * {@code user.updated}. The plan is the {@code plan} claim of the user's access tokens, so it reaches
     * the gateway's rate limits (the plan multiplier) with the user's next token (refresh or login).
     */
    public Uni<User> setPlan(String actorId, String userId, String plan) {
        return Panache.withTransaction(() -> users.findById(userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("User", userId))
                .flatMap(user -> {
                    String before = user.plan;
                    if (plan.equals(before)) {
                        return Uni.createFrom().item(user);
                    }
                    user.plan = plan;
                    user.updatedAt = Instant.now();
                    return audit.record(actorId, AdminAuditLog.PLAN_CHANGED, "user", user.id, before + " -> " + plan)
                            .flatMap(v -> publish(UserUpdated.TYPE, user)).replaceWith(user);
                }));
    }

    /** Makes the holder of the setup token an admin (in the caller's transaction); emits {@code user.updated}. */
    Uni<User> promoteFirstAdmin(String userId) {
        return users.findById(userId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("User", userId))
                .flatMap(user -> {
                    user.addRole(User.ROLE_ADMIN);
                    user.updatedAt = Instant.now();
                    LOG.infof("admin setup: %s is now an admin", user.id);
                    return audit.record(user.id, AdminAuditLog.ADMIN_SETUP, "user", user.id, "first admin from the setup token")
                            .flatMap(v -> publish(UserUpdated.TYPE, user)).replaceWith(user);
                });
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException) {
                return true;
            }
            String msg = t.getMessage();
            if (msg != null && msg.contains("23505")) {
                return true;
            }
        }
        return false;
    }
}
