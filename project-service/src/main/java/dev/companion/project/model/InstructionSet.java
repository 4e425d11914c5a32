package dev.companion.project.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import org.hibernate.annotations.DynamicUpdate;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An instruction set at global, project or chat scope; merged by the shared resolution rule. */
@Entity
@DynamicUpdate
@Table(name = "instruction_set")
public class InstructionSet extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "user_id", nullable = false)
    public String userId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String scope;

    @Column(name = "project_id")
    public String projectId;

    @Column(name = "chat_id")
    public String chatId;

    @Column(nullable = false)
    public String mode;

    public String role;

    public String style;

    @Column(nullable = false)
    public String[] constraints = new String[0];

    @Column(nullable = false)
    public String[] examples = new String[0];

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
