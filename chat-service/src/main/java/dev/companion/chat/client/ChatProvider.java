package dev.companion.chat.client;

import io.smallrye.mutiny.Multi;

/**
 * An LLM that streams an answer. The returned stream emits {@link ProviderEvent.Delta}s and at most one
 * {@link ProviderEvent.Usage}; it fails with a {@link ProviderException}. Cancelling the subscription
 * closes the upstream call.
 */
public interface ChatProvider {

    Multi<ProviderEvent> stream(ProviderRequest request);
}
