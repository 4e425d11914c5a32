package dev.companion.auth.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** A person who logs in: credentials, plan, roles and the failed-login state that throttles guessing. */
@Entity
@Table(name = "app_user")
public class User extends PanacheEntityBase {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ADMIN = "admin";

    @Id
    public String id;

    @Column(nullable = false)
    public String email;

    @Column(name = "email_normalized", nullable = false, unique = true)
    public String emailNormalized;

    @Column(nullable = false)
    public String name;

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(nullable = false)
    public String plan;

    /** Comma-separated roles ({@code user}, {@code admin}); they become the token's {@code groups}. */
    @Column(nullable = false)
    public String roles;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public Set<String> roleSet() {
        Set<String> set = new LinkedHashSet<>();
        Arrays.stream(roles.split(",")).map(String::trim).filter(r -> !r.isEmpty()).forEach(set::add);
        return set;
    }

    public boolean hasRole(String role) {
        return roleSet().contains(role);
    }

    public void addRole(String role) {
        Set<String> set = roleSet();
        set.add(role);
        roles = String.join(",", set);
    }

    public void removeRole(String role) {
        Set<String> set = roleSet();
        set.remove(role);
        roles = String.join(",", set);
    }

    public static String normalize(String email) {
        return email == null ? null : email.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
