package dev.companion.chat.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.chat.agents.AgentRegistry;
import dev.companion.chat.agents.AgentRelay;
import dev.companion.chat.agents.RelayMessage;
import dev.companion.chat.config.AgentConfig;
import dev.companion.common.security.Scopes;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /v1/agents/connect}: a browser agent's socket (seed 004's {@code /client/register}). The agent
 * sends {@code {type:"auth", token, name?}} first (a token with the {@code agent} scope) and gets
 * {@code {type:"registered", agentId}}; then {@code {type:"heartbeat"}} (answered {@code heartbeat.ack})
 * at least every {@code heartbeat-timeout}; it receives {@code {type:"prompt", requestId, messages, model}}
 * and answers {@code {type:"delta", requestId, content}}… then {@code {type:"done", requestId}} or
 * {@code {type:"error", requestId, message}}; a {@code {type:"cancel", requestId}} tells it to stop.
 * Closing the socket fails the prompt it was answering (the asking replica then tries another agent).
 */
@WebSocket(path = "/v1/agents/connect")
public class AgentSocket {

    private static final Logger LOG = Logger.getLogger(AgentSocket.class);
    private static final short CLOSE_POLICY = 1008;

    /** An authenticated agent on this replica and the prompt it is answering. */
    private static final class Session {
        final WebSocketConnection connection;
        volatile String agentId;
        volatile String userId;
        volatile long authTimer = -1;
        volatile long expiryTimer = -1;
        volatile String requestId;
        volatile String origin;

        Session(WebSocketConnection connection) {
            this.connection = connection;
        }
    }

    private final Map<String, Session> byConnection = new ConcurrentHashMap<>();
    private final Map<String, Session> byAgent = new ConcurrentHashMap<>();
    private final AgentRegistry registry;
    private final AgentRelay relay;
    private final AgentConfig config;
    private final JWTParser parser;
    private final ObjectMapper mapper;
    private final Vertx vertx;

    public AgentSocket(AgentRegistry registry, AgentRelay relay, AgentConfig config, JWTParser parser, ObjectMapper mapper,
                       Vertx vertx) {
        this.registry = registry;
        this.relay = relay;
        this.config = config;
        this.parser = parser;
        this.mapper = mapper;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        relay.onAgentSide(this::fromRelay);
        // agents of replicas that died stop heartbeating; any replica removes them
        long every = Math.max(1000, config.heartbeatTimeout().toMillis() / 2);
        vertx.setPeriodic(every, id -> registry.sweepStale().subscribe().with(n -> {
            if (n > 0) {
                LOG.infof("removed %d agents that stopped heartbeating", n);
            }
        }, t -> LOG.debugf("agent sweep failed: %s", t.getMessage())));
    }

    @OnOpen
    @NonBlocking
    public void onOpen(WebSocketConnection connection) {
        Session s = new Session(connection);
        byConnection.put(connection.id(), s);
        s.authTimer = vertx.setTimer(config.authTimeout().toMillis(), id -> {
            if (s.agentId == null) {
                closeWith(s, "UNAUTHORIZED", "Authentication timeout");
            }
        });
    }

    @OnTextMessage
    @NonBlocking
    public void onMessage(String text, WebSocketConnection connection) {
        Session s = byConnection.get(connection.id());
        if (s == null) {
            return;
        }
        JsonNode json;
        try {
            json = mapper.readTree(text);
        } catch (Exception e) {
            json = null;
        }
        String type = json != null && json.hasNonNull("type") ? json.get("type").asText() : null;
        if ("auth".equals(type) || "authenticate".equals(type) || "register".equals(type)) {
            authenticate(s, json);
            return;
        }
        if (s.agentId == null) {
            closeWith(s, "UNAUTHORIZED", "Authenticate first");
            return;
        }
        if (type == null) {
            invalid(s, "type", "Message must be JSON with a type");
            return;
        }
        switch (type) {
            case "heartbeat", "ping" -> registry.heartbeat(s.agentId).subscribe().with(
                    x -> send(s, Map.of("type", "heartbeat.ack", "timestamp", Instant.now().toString())), t -> { });
            case "delta", "done", "error" -> answer(s, type, json);
            default -> invalid(s, "type", "Unknown message type: " + type);
        }
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        Session s = byConnection.remove(connection.id());
        if (s == null) {
            return;
        }
        vertx.cancelTimer(s.authTimer);
        if (s.expiryTimer >= 0) {
            vertx.cancelTimer(s.expiryTimer);
        }
        if (s.agentId != null) {
            byAgent.remove(s.agentId);
            String rid = s.requestId;
            if (rid != null) {
                relay.send(RelayMessage.answer(RelayMessage.ERROR, s.origin, registry.replicaId(), rid, s.agentId, null,
                        "the agent disconnected")).subscribe().with(x -> { }, t -> { });
            }
            registry.remove(s.agentId).subscribe().with(x -> { }, t -> LOG.warnf("agent %s not removed: %s", s.agentId, t.getMessage()));
        }
    }

    private void authenticate(Session s, JsonNode json) {
        String token = json.hasNonNull("token") ? json.get("token").asText() : null;
        String name = json.hasNonNull("name") ? json.get("name").asText() : null;
        if (name != null && (name.isBlank() || name.length() > 100)) {
            invalid(s, "name", "name must be 1 to 100 characters");
            return;
        }
        if (token == null || token.isBlank()) {
            closeWith(s, "UNAUTHORIZED", "Invalid or expired token");
            return;
        }
        // JWKS fetches block: verify on a worker
        vertx.<JsonWebToken>executeBlocking(() -> parser.parse(token), false).onComplete(result -> {
            if (result.failed() || result.result().getSubject() == null) {
                closeWith(s, "UNAUTHORIZED", "Invalid or expired token");
                return;
            }
            JsonWebToken jwt = result.result();
            if (!Scopes.parse(jwt.getClaim("scope")).contains(Scopes.AGENT)) {
                send(s, Map.of("type", "error", "code", "FORBIDDEN", "message", "This token's scope does not allow agents",
                        "details", Map.of("requiredScope", Scopes.AGENT)));
                s.connection.close(new CloseReason(CLOSE_POLICY, "agent scope required")).subscribe().with(x -> { }, t -> { });
                return;
            }
            if (s.agentId != null) {
                // a fresh token of the same user extends the socket past the old token's expiry
                if (!jwt.getSubject().equals(s.userId)) {
                    closeWith(s, "UNAUTHORIZED", "Token of another user");
                    return;
                }
                expireAt(s, jwt);
                send(s, Map.of("type", "token.renewed", "agentId", s.agentId));
                return;
            }
            registry.register(jwt.getSubject(), name).subscribe().with(agent -> {
                if (!s.connection.isOpen()) {
                    registry.remove(agent.id()).subscribe().with(x -> { }, t -> { });
                    return;
                }
                s.userId = agent.userId();
                s.agentId = agent.id();
                byAgent.put(agent.id(), s);
                vertx.cancelTimer(s.authTimer);
                expireAt(s, jwt);
                send(s, Map.of("type", "registered", "agentId", agent.id(), "connectedAt", agent.connectedAt().toString(),
                        "heartbeatTimeoutSeconds", config.heartbeatTimeout().toSeconds()));
            }, t -> closeWith(s, "SERVICE_UNAVAILABLE", "Could not register the agent"));
        });
    }

    /** The socket ends with its token (a deleted API token's JWT lapses within its 15 minutes), unless renewed. */
    private void expireAt(Session s, JsonWebToken jwt) {
        if (s.expiryTimer >= 0) {
            vertx.cancelTimer(s.expiryTimer);
        }
        long left = jwt.getExpirationTime() * 1000L - System.currentTimeMillis();
        s.expiryTimer = vertx.setTimer(Math.max(1, left), id -> closeWith(s, "UNAUTHORIZED", "Token expired"));
    }

    private void answer(Session s, String type, JsonNode json) {
        String rid = json.hasNonNull("requestId") ? json.get("requestId").asText() : null;
        if (rid == null) {
            invalid(s, "requestId", "requestId is required");
            return;
        }
        if (!rid.equals(s.requestId)) {
            // a late answer to a prompt that was cancelled or taken away, or another agent's request id
            send(s, Map.of("type", "error", "code", "NOT_FOUND", "message", "No prompt " + rid + " is open on this agent",
                    "details", Map.of("requestId", rid)));
            return;
        }
        String content = null;
        String message = null;
        if ("delta".equals(type)) {
            JsonNode c = json.get("content");
            if (c == null || !c.isTextual()) {
                invalid(s, "content", "content must be a string");
                return;
            }
            content = c.asText();
        } else if ("error".equals(type)) {
            message = json.hasNonNull("message") ? json.get("message").asText() : "the agent failed";
        }
        if (!"delta".equals(type)) {
            s.requestId = null;
        }
        relay.send(RelayMessage.answer(type, s.origin, registry.replicaId(), rid, s.agentId, content, message))
                .subscribe().with(x -> { }, t -> LOG.warnf("answer of agent %s not relayed: %s", s.agentId, t.getMessage()));
    }

    /** A prompt or a cancel for an agent of this replica. */
    private void fromRelay(RelayMessage m) {
        Session s = byAgent.get(m.agentId());
        if (RelayMessage.CANCEL.equals(m.kind())) {
            if (s != null && m.requestId().equals(s.requestId)) {
                s.requestId = null;
                send(s, Map.of("type", "cancel", "requestId", m.requestId()));
            }
            return;
        }
        if (s == null || !s.connection.isOpen()) {
            relay.send(RelayMessage.answer(RelayMessage.ERROR, m.from(), registry.replicaId(), m.requestId(), m.agentId(), null,
                    "the agent is no longer connected")).subscribe().with(x -> { }, t -> { });
            return;
        }
        s.requestId = m.requestId();
        s.origin = m.from();
        ObjectNode prompt = mapper.createObjectNode().put("type", "prompt").put("requestId", m.requestId()).put("model", m.model());
        prompt.set("messages", mapper.valueToTree(m.messages()));
        s.connection.sendText(prompt.toString()).subscribe().with(x -> { }, t -> { });
    }

    private void invalid(Session s, String field, String message) {
        send(s, Map.of("type", "error", "code", "VALIDATION_ERROR", "message", message, "details", Map.of("field", field)));
    }

    private void closeWith(Session s, String code, String message) {
        s.connection.sendText(json(Map.of("type", "error", "code", code, "message", message)))
                .onTermination().call(() -> s.connection.close(new CloseReason(CLOSE_POLICY, message.toLowerCase())))
                .subscribe().with(x -> { }, t -> { });
    }

    private void send(Session s, Object message) {
        s.connection.sendText(json(message)).subscribe().with(x -> { }, t -> { });
    }

    private String json(Object o) {
        try {
            return mapper.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
