package dev.companion.auth.repository;

import dev.companion.auth.model.UserUsage;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class UsageRepository implements PanacheRepositoryBase<UserUsage, String> {

    /** Adds the deltas to the user's counts (creating the row), never going below zero. */
    public Uni<Void> add(String userId, long projects, long chats, long images) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO user_usage (user_id, projects, chats, images, updated_at) "
                                + "VALUES (?1, GREATEST(?2, 0), GREATEST(?3, 0), GREATEST(?4, 0), now()) "
                                + "ON CONFLICT (user_id) DO UPDATE SET "
                                + "projects = GREATEST(user_usage.projects + ?2, 0), "
                                + "chats = GREATEST(user_usage.chats + ?3, 0), "
                                + "images = GREATEST(user_usage.images + ?4, 0), updated_at = now()")
                .setParameter(1, userId)
                .setParameter(2, projects)
                .setParameter(3, chats)
                .setParameter(4, images)
                .executeUpdate())
                .replaceWithVoid();
    }
}
