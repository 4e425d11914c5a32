package dev.companion.chat;

import dev.companion.testing.ServiceShape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Set;

/** The service shape of docs/DEVELOPING.md on this module's sources (test-support's {@link ServiceShape}). */
class ServiceShapeTest {

    @Test
    void followsTheServiceShape() throws IOException {
        new ServiceShape("chat", Set.of("service/AskService.java",
                    "service/BatchService.java",
                    "service/ChatService.java",
                    "service/ClientSend.java",
                    "service/ConversationService.java",
                    "service/MemoryService.java",
                    "service/MessageService.java",
                    "service/OpenAiCompatService.java",
                    "service/PromptPreparer.java",
                    "service/ShareService.java",
                    "service/SuggestionService.java",
                    "service/TemplateService.java")).check();
    }
}
