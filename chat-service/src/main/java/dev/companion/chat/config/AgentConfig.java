package dev.companion.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Browser agents as a provider (issue #19, seed 004): the agent socket, leasing, retries and the relay topic. */
@ConfigMapping(prefix = "companion.agents")
public interface AgentConfig {

    /** Longest a whole agent answer may take (seed 004: 120 s) before it ends {@code timeout}. */
    @WithDefault("120s")
    Duration deadline();

    /** Agents tried for one prompt (another idle agent after each failure before the first token). */
    @WithDefault("3")
    int maxAttempts();

    /** Longest silence between two messages of the answering agent before it counts as failed. */
    @WithDefault("30s")
    Duration idleTimeout();

    /** An agent whose last heartbeat is older is not leased and is removed (its replica is gone). */
    @WithDefault("60s")
    Duration heartbeatTimeout();

    /** The socket must send {@code auth} within this time. */
    @WithDefault("10s")
    Duration authTimeout();

    /** Replica-to-replica topic of prompts and answers (internal to chat-service, read by every replica). */
    @WithDefault("chat-service.agents")
    String relayTopic();
}
