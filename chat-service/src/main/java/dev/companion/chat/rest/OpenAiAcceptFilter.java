package dev.companion.chat.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * OpenAI clients send {@code Accept: application/json} also when they ask for a stream. The completions
 * route writes its body itself (JSON or {@code text/event-stream}, decided by the body's {@code stream}),
 * so it is matched as the raw text it produces rather than negotiated (which would answer 406, or frame
 * the items as a JSON array).
 */
public class OpenAiAcceptFilter {

    @ServerRequestFilter(preMatching = true)
    public void acceptRaw(ContainerRequestContext request) {
        if ("/v1/openai/chat/completions".equals(request.getUriInfo().getPath())) {
            request.getHeaders().putSingle("Accept", "text/plain");
        }
    }
}
