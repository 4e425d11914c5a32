package dev.companion.project.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import org.hibernate.annotations.DynamicUpdate;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A user's project (@DynamicUpdate: event consumers and API writes touch different columns); {@code chatCount} and {@code lastActivity} are kept from chat-service's events. */
@Entity
@DynamicUpdate
@Table(name = "project")
public class Project extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(nullable = false)
    public String[] tags = new String[0];

    public String color;

    @Column(name = "auto_save", nullable = false)
    public boolean autoSave;

    @Column(name = "sync_enabled", nullable = false)
    public boolean syncEnabled;

    @Column(nullable = false)
    public boolean notifications;

    @Column(nullable = false)
    public boolean archived;

    @Column(name = "chat_count", nullable = false)
    public int chatCount;

    @Column(name = "last_activity", nullable = false)
    public Instant lastActivity;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
