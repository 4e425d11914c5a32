package dev.companion.chat.agents;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.companion.chat.client.ProviderRequest.PromptMessage;

import java.util.List;

/**
 * One record of the agent relay topic: a prompt or a cancel for the replica holding the agent, or a
 * delta / done / error for the replica streaming the answer. Keyed by {@code requestId}, so one request's
 * records share a partition and keep their order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RelayMessage(String kind, String to, String from, String requestId, String agentId, String model,
                           List<PromptMessage> messages, String content, String message) {

    public static final String PROMPT = "prompt";
    public static final String CANCEL = "cancel";
    public static final String DELTA = "delta";
    public static final String DONE = "done";
    public static final String ERROR = "error";

    public static RelayMessage promptFor(String to, String from, String requestId, String agentId, String model, List<PromptMessage> messages) {
        return new RelayMessage(PROMPT, to, from, requestId, agentId, model, messages, null, null);
    }

    public static RelayMessage cancelFor(String to, String from, String requestId, String agentId) {
        return new RelayMessage(CANCEL, to, from, requestId, agentId, null, null, null, null);
    }

    public static RelayMessage answer(String kind, String to, String from, String requestId, String agentId, String content, String message) {
        return new RelayMessage(kind, to, from, requestId, agentId, null, null, content, message);
    }
}
