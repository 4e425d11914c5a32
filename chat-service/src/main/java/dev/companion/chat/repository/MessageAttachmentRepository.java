package dev.companion.chat.repository;

import dev.companion.chat.model.MessageAttachment;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class MessageAttachmentRepository implements PanacheRepositoryBase<MessageAttachment, String> {

    /** The attachments of these messages, in order within each message. */
    public Uni<List<MessageAttachment>> ofMessages(Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("messageId in ?1 order by messageId, position", messageIds);
    }
}
