package dev.companion.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of issue #18's client contract: the bounded {@code ?wait=true} send and the suggestions. */
@ConfigMapping(prefix = "companion.conversations")
public interface ConversationsConfig {

    /**
     * The longest a {@code POST /v1/chats/{id}/messages?wait=true} waits for its answer (also the
     * largest {@code timeoutMs} it accepts): below the gateway's upstream idle timeout (60 s), so the
     * client gets the service's answer rather than the gateway's 504.
     */
    @WithDefault("55s")
    Duration maxWait();

    /** How long a suggestions call waits for the model. */
    @WithDefault("20s")
    Duration suggestionsTimeout();
}
