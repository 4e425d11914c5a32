package dev.companion.chat.client;

import dev.companion.chat.client.ProviderRequest.PromptMessage;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The offline model is deterministic and its chunks always join back to the reply. */
class OfflineEchoProviderTest {

    @Property(tries = 200)
    void chunksJoinToTheReply(@ForAll @StringLength(max = 200) String prompt) {
        String reply = OfflineEchoProvider.reply(List.of(new PromptMessage("system", "be brief"), new PromptMessage("user", prompt)));
        assertEquals(String.join("", OfflineEchoProvider.chunks(reply)), reply);
        assertEquals(reply, OfflineEchoProvider.reply(List.of(new PromptMessage("system", "be brief"), new PromptMessage("user", prompt))));
    }
}
