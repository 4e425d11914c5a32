package dev.companion.chat.service;

import com.knuddels.jtokkit.api.EncodingType;
import dev.companion.chat.client.ProviderRequest.PromptMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which tokenizer a model gets, what it counts, and that encodings load only when a model needs them. */
class TokenCounterTest {

    @Test
    void modelsGetTheirGenerationsEncoding() {
        assertEquals(EncodingType.CL100K_BASE, TokenCounter.encodingType("gpt-4"));
        assertEquals(EncodingType.CL100K_BASE, TokenCounter.encodingType("gpt-3.5-turbo"));
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingType("gpt-4o-mini"));
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingType("gpt-4.1"));
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingType("o3-mini"));
        // models the table does not know (the offline model, local models behind vLLM or Ollama)
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingType("offline-echo"));
        assertEquals(EncodingType.O200K_BASE, TokenCounter.encodingType("llama3.1"));
    }

    @Test
    void countsLikeOpenAisTokenizers() {
        TokenCounter counter = new TokenCounter();
        // tiktoken: "hello world" is 2 tokens in both encodings; the chat framing adds 4 per message + 3
        assertEquals(2, counter.count("gpt-4", "hello world"));
        assertEquals(2, counter.count("gpt-4o", "hello world"));
        assertEquals(0, counter.count("gpt-4o", ""));
        assertEquals(3 + (4 + 1 + 2), counter.count("gpt-4o", List.of(new PromptMessage("user", "hello world"))));
    }

    @Test
    void loadsAnEncodingOnlyWhenAModelNeedsIt() {
        TokenCounter counter = new TokenCounter();
        assertEquals(Set.of(), counter.loadedEncodings());
        counter.count("offline-echo", "warm up");
        assertEquals(Set.of("o200k_base"), counter.loadedEncodings());
        counter.count("gpt-4", "x");
        assertEquals(Set.of("cl100k_base", "o200k_base"), counter.loadedEncodings());
    }
}
