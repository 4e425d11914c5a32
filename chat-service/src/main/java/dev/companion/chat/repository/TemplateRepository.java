package dev.companion.chat.repository;

import dev.companion.chat.model.PromptTemplate;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class TemplateRepository implements PanacheRepositoryBase<PromptTemplate, String> {

    public Uni<PromptTemplate> findOwned(String id, String userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }

    public Uni<PromptTemplate> findByName(String name, String userId) {
        return find("name = ?1 and userId = ?2", name, userId).firstResult();
    }

    public Uni<List<PromptTemplate>> pageOfUser(String userId, Page page) {
        return find("userId = ?1 order by createdAt desc, id desc", userId).page(page).list();
    }

    public Uni<Long> countOfUser(String userId) {
        return count("userId", userId);
    }
}
