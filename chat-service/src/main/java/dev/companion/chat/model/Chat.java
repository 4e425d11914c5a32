package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A conversation in a project; its messages form a tree whose current branch ends at {@code currentLeafId}. */
@Entity
@Table(name = "chat")
public class Chat extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "project_id", nullable = false)
    public String projectId;
    @Column(name = "user_id", nullable = false)
    public String userId;
    @Column(nullable = false)
    public String name;
    @Column(nullable = false)
    public String model;
    /** {@link ChatSettings} as JSON. */
    @Column(nullable = false, columnDefinition = "text")
    public String settings;
    @Column(name = "system_message", columnDefinition = "text")
    public String systemMessage;
    @Column(name = "message_count", nullable = false)
    public int messageCount;
    public boolean archived;
    public boolean starred;
    @Column(name = "current_leaf_id")
    public String currentLeafId;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    /** When the newest message was written (set by the database: a trigger on message inserts). */
    @Column(name = "last_activity_at", insertable = false, updatable = false)
    public Instant lastActivityAt;
}
