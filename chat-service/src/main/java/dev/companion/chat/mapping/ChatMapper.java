package dev.companion.chat.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.chat.model.Chat;
import dev.companion.chat.model.ChatSettings;
import dev.companion.chat.model.Message;
import dev.companion.chat.rest.dto.ChatView;
import dev.companion.chat.rest.dto.MessageView;
import dev.companion.chat.rest.dto.SettingsBody;
import dev.companion.common.api.ErrorResponse.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;

/** Entity ↔ API shapes of chats and messages, and the JSON columns. */
@ApplicationScoped
public class ChatMapper {

    private final ObjectMapper mapper;

    public ChatMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ChatView toView(Chat c) {
        return new ChatView(c.id, c.projectId, c.name, c.model, settings(c), c.systemMessage, c.messageCount, c.archived,
                c.starred, c.currentLeafId, Timestamps.format(c.createdAt), Timestamps.format(c.updatedAt), c.archived, c.starred,
                Timestamps.format(c.lastActivityAt != null ? c.lastActivityAt : c.createdAt));
    }

    public MessageView toView(Message m) {
        return toView(m, null);
    }

    /** {@code answerId}: for a prompt just sent, the id of the answer that will stream (chunks carry it). */
    public MessageView toView(Message m, String answerId) {
        MessageView.UsageView usage = m.promptTokens == null || m.completionTokens == null ? null
                : new MessageView.UsageView(m.promptTokens, m.completionTokens, m.promptTokens + m.completionTokens);
        MessageView.ErrorView error = m.errorCode == null ? null : new MessageView.ErrorView(m.errorCode, m.errorMessage);
        return new MessageView(m.id, m.chatId, m.role, m.content, Timestamps.format(m.createdAt), m.status, m.parentId,
                m.model, usage, error, json(m.attachments), json(m.metadata), m.batchId, answerId);
    }

    public ChatSettings settings(Chat c) {
        try {
            return mapper.readValue(c.settings, ChatSettings.class);
        } catch (Exception e) {
            return ChatSettings.defaults();
        }
    }

    /** Full settings from a body (missing values take the defaults). */
    public ChatSettings settings(SettingsBody body) {
        ChatSettings d = ChatSettings.defaults();
        if (body == null) {
            return d;
        }
        return merge(d, body);
    }

    /** Settings after a partial update: only the values sent change. */
    public ChatSettings merge(ChatSettings base, SettingsBody body) {
        return new ChatSettings(
                body.temperature() != null ? body.temperature() : base.temperature(),
                body.maxTokens() != null ? body.maxTokens() : base.maxTokens(),
                body.topP() != null ? body.topP() : base.topP(),
                body.frequencyPenalty() != null ? body.frequencyPenalty() : base.frequencyPenalty(),
                body.presencePenalty() != null ? body.presencePenalty() : base.presencePenalty());
    }

    public String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
