package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One node of a chat's message tree: a user prompt or an assistant answer (with its stream status). */
@Entity
@Table(name = "message")
public class Message extends PanacheEntityBase {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ASSISTANT = "assistant";

    @Id
    public String id;
    @Column(name = "chat_id", nullable = false)
    public String chatId;
    @Column(name = "user_id", nullable = false)
    public String userId;
    @Column(name = "parent_id")
    public String parentId;
    @Column(nullable = false)
    public String role;
    @Column(nullable = false, columnDefinition = "text")
    public String content;
    /** user: sending → sent; assistant: streaming → complete | error | cancelled. */
    @Column(nullable = false)
    public String status;
    public String model;
    @Column(columnDefinition = "text")
    public String attachments;
    @Column(columnDefinition = "text")
    public String metadata;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_message")
    public String errorMessage;
    @Column(name = "prompt_tokens")
    public Integer promptTokens;
    @Column(name = "completion_tokens")
    public Integer completionTokens;
    @Column(name = "batch_id")
    public String batchId;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
    /** A prompt's client-chosen id (seed 003 {@code messageId}), unique per user; null when none was sent. */
    @Column(name = "client_message_id")
    public String clientMessageId;
    /** Fingerprint of the request that created the prompt under {@link #clientMessageId}. */
    @Column(name = "client_request_hash")
    public String clientRequestHash;
}
