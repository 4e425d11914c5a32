package dev.companion.auth.repository;

import dev.companion.auth.model.User;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, String> {

    public Uni<User> findByEmail(String email) {
        return find("emailNormalized", User.normalize(email)).firstResult();
    }

    public Uni<List<User>> listPage(int offset, int limit) {
        return findAll(Sort.by("createdAt").and("id")).range(offset, offset + limit - 1).list();
    }
}
