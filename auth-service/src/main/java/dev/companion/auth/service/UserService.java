package dev.companion.auth.service;

import dev.companion.auth.config.AuthConfig;
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
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Accounts: registration, password checks with throttling and temporary locks, profile changes, first admin. */
@ApplicationScoped
public class UserService {

    private static final Logger LOG = Logger.getLogger(UserService.class);

    /** What a login attempt came to. {@code retryAfter} is set for THROTTLED and LOCKED. */
    public record LoginResult(Outcome outcome, User user, Duration retryAfter) {
        public enum Outcome { OK, INVALID, THROTTLED, LOCKED }
    }

    /** A user with the usage counts other services' events built up. */
    public record Profile(User user, UserUsage usage) {
    }

    private final UserRepository users;
    private final UsageRepository usage;
    private final PasswordHasher hasher;
    private final Outbox outbox;
    private final AuthConfig config;

    public UserService(UserRepository users, UsageRepository usage, PasswordHasher hasher, Outbox outbox, AuthConfig config) {
        this.users = users;
        this.usage = usage;
        this.hasher = hasher;
        this.outbox = outbox;
        this.config = config;
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
                    user.roles = User.ROLE_USER;
                    if (isBootstrapAdmin(normalized)) {
                        user.addRole(User.ROLE_ADMIN);
                    }
                    user.createdAt = now;
                    user.updatedAt = now;
                    return users.persist(user)
                            .call(u -> publish(UserRegistered.TYPE, u));
                })))
                // two registrations racing for one email: the unique index decides
                .onFailure(UserService::isUniqueViolation).transform(e -> ApiException.conflict("An account with this email already exists"));
    }

    /**
     * Checks a password. Repeated failures first make the caller wait (doubling from the configured
     * base), then lock the account for a while; success resets the count. Unknown emails take as long
     * as known ones and answer the same.
     */
    public Uni<LoginResult> authenticate(String email, String password) {
        Instant now = Instant.now();
        return Panache.withSession(() -> users.findByEmail(email)).flatMap(user -> {
            if (user == null) {
                return hasher.matches(password, null).map(x -> new LoginResult(LoginResult.Outcome.INVALID, null, null));
            }
            if (user.lockedUntil != null && user.lockedUntil.isAfter(now)) {
                return Uni.createFrom().item(new LoginResult(LoginResult.Outcome.LOCKED, null, Duration.between(now, user.lockedUntil)));
            }
            Duration wait = throttleRemaining(user, now);
            if (!wait.isZero()) {
                return Uni.createFrom().item(new LoginResult(LoginResult.Outcome.THROTTLED, null, wait));
            }
            return hasher.matches(password, user.passwordHash).flatMap(ok -> Panache.withTransaction(
                    () -> users.findById(user.id, LockModeType.PESSIMISTIC_WRITE).map(locked -> {
                        Instant at = Instant.now();
                        if (ok) {
                            locked.failedLogins = 0;
                            locked.lastFailedLoginAt = null;
                            locked.lockedUntil = null;
                            return new LoginResult(LoginResult.Outcome.OK, locked, null);
                        }
                        locked.failedLogins++;
                        locked.lastFailedLoginAt = at;
                        if (locked.failedLogins >= config.login().lockAfter()) {
                            locked.lockedUntil = at.plus(config.login().lockDuration());
                            locked.failedLogins = 0;
                            LOG.infof("user %s locked after repeated failed logins", locked.id);
                            return new LoginResult(LoginResult.Outcome.LOCKED, null, config.login().lockDuration());
                        }
                        return new LoginResult(LoginResult.Outcome.INVALID, null, null);
                    })));
        });
    }

    /** Time the caller must still wait before the next attempt counts; zero when no throttling applies. */
    Duration throttleRemaining(User user, Instant now) {
        int over = user.failedLogins - config.login().throttleAfter();
        if (over < 0 || user.lastFailedLoginAt == null) {
            return Duration.ZERO;
        }
        Duration wait = config.login().throttleBase().multipliedBy(1L << Math.min(over, 16));
        Instant until = user.lastFailedLoginAt.plus(wait);
        return until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
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

    private boolean isBootstrapAdmin(String normalizedEmail) {
        return config.bootstrapAdminEmail().map(User::normalize).filter(normalizedEmail::equals).isPresent();
    }

    /** Gives the configured first admin the admin role when the account already exists at startup. */
    void bootstrapAdmin(@Observes StartupEvent event) throws Throwable {
        if (config.bootstrapAdminEmail().filter(s -> !s.isBlank()).isEmpty()) {
            return;
        }
        String email = User.normalize(config.bootstrapAdminEmail().get());
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> users.findByEmail(email).flatMap(user -> {
            if (user == null || user.hasRole(User.ROLE_ADMIN)) {
                return Uni.createFrom().voidItem();
            }
            user.addRole(User.ROLE_ADMIN);
            user.updatedAt = Instant.now();
            LOG.infof("bootstrap admin: %s is now an admin", user.id);
            return publish(UserUpdated.TYPE, user);
        })));
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
