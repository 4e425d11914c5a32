package dev.companion.chat.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * What one attachment of a prompt gives the model: {@code kind} {@code image} (content: a base64 data URL)
 * or {@code text} (content: the file's text); {@code tokens} is what it costs in the prompt.
 */
@Entity
@Table(name = "message_attachment")
public class MessageAttachment extends PanacheEntityBase {

    public static final String KIND_IMAGE = "image";
    public static final String KIND_TEXT = "text";

    @Id
    public String id;
    @Column(name = "message_id", nullable = false)
    public String messageId;
    @Column(nullable = false)
    public int position;
    @Column(nullable = false)
    public String kind;
    @Column(name = "media_type", nullable = false)
    public String mediaType;
    public String name;
    /** An image's {@code detail} for the provider ({@code auto}, {@code low}, {@code high}). */
    public String detail;
    @Column(nullable = false, columnDefinition = "text")
    public String content;
    @Column(nullable = false)
    public int tokens;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
