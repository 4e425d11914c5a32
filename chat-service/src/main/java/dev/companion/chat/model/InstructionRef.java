package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An instruction set as published on project.events; {@code instructions} is the JSON body. */
@Entity
@Table(name = "instruction_ref")
public class InstructionRef extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "user_id", nullable = false)
    public String userId;
    public String name;
    @Column(nullable = false)
    public String scope;
    @Column(name = "project_id")
    public String projectId;
    @Column(name = "chat_id")
    public String chatId;
    @Column(nullable = false)
    public String mode;
    @Column(nullable = false, columnDefinition = "text")
    public String instructions;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
