package dev.companion.chat.client;

import dev.companion.chat.agents.AgentRegistry;
import dev.companion.chat.agents.AgentRelay;
import dev.companion.chat.agents.RelayMessage;
import dev.companion.chat.config.AgentConfig;
import dev.companion.common.id.Ids;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Model {@code agent}: the user's own browser agents answer (seed 004). Each attempt leases the least
 * recently used idle agent of the prompt's user ({@link AgentRegistry#lease}), sends the prompt through
 * {@link AgentRelay} to the replica holding that agent's socket and streams back its deltas. An agent that
 * fails before its first delta (error, socket closed, silent for {@code idle-timeout}) is replaced by
 * another, up to {@code max-attempts}; after the first delta a failure ends the answer (the deltas are
 * already out). The whole answer has {@code deadline} (120 s). Cancelling the subscription cancels the
 * agent's prompt and frees it.
 */
@ApplicationScoped
public class AgentProvider implements ChatProvider {

    private static final Logger LOG = Logger.getLogger(AgentProvider.class);

    private final AgentRegistry registry;
    private final AgentRelay relay;
    private final AgentConfig config;
    private final Vertx vertx;

    public AgentProvider(AgentRegistry registry, AgentRelay relay, AgentConfig config, Vertx vertx) {
        this.registry = registry;
        this.relay = relay;
        this.config = config;
        this.vertx = vertx;
    }

    @Override
    public Multi<ProviderEvent> stream(ProviderRequest request) {
        if (request.userId() == null) {
            return Multi.createFrom().failure(ProviderException.providerError("agent prompts need a user", true));
        }
        return Multi.createFrom().emitter(em -> new Answer(request, em).start());
    }

    /** One answer: its attempts, timers and the agent currently leased. */
    private final class Answer {
        private final ProviderRequest request;
        private final MultiEmitter<? super ProviderEvent> em;
        private final List<String> tried = new ArrayList<>();
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile boolean firstToken;
        private volatile String agentId;
        private volatile String agentReplica;
        private volatile String requestId;
        private volatile long idleTimer = -1;
        private long deadlineTimer = -1;
        private volatile String lastFailure;

        Answer(ProviderRequest request, MultiEmitter<? super ProviderEvent> em) {
            this.request = request;
            this.em = em;
        }

        void start() {
            deadlineTimer = vertx.setTimer(config.deadline().toMillis(), id -> end(new ProviderException("timeout",
                    "The agent did not finish within " + config.deadline().toSeconds() + " s", null, !firstToken), true));
            em.onTermination(() -> {
                // cancelled by the pipeline (stop, answer timeout) or ended: free whatever is still leased
                if (ended.compareAndSet(false, true)) {
                    vertx.cancelTimer(deadlineTimer);
                    stopAttempt(true);
                }
            });
            attempt();
        }

        private void attempt() {
            if (ended.get()) {
                return;
            }
            String rid = Ids.newId("agentreq");
            registry.lease(request.userId(), rid, List.copyOf(tried)).subscribe().with(agent -> {
                if (ended.get()) {
                    if (agent != null) {
                        registry.release(agent.id(), rid).subscribe().with(x -> { }, t -> { });
                    }
                    return;
                }
                if (agent == null) {
                    end(new ProviderException("no_agents", tried.isEmpty()
                            ? "No agent of yours is connected and idle"
                            : "No other agent could answer (" + lastFailure + ")", null, !firstToken), false);
                    return;
                }
                tried.add(agent.id());
                requestId = rid;
                agentId = agent.id();
                agentReplica = agent.replicaId();
                relay.await(rid, this::onAnswer);
                armIdle(rid);
                relay.send(RelayMessage.promptFor(agent.replicaId(), registry.replicaId(), rid, agent.id(), request.model(),
                        request.messages())).subscribe().with(x -> { }, t -> fail(rid, "the prompt could not be relayed: " + t.getMessage()));
            }, t -> end(ProviderException.providerError("agents unavailable: " + t.getMessage(), !firstToken), false));
        }

        private void armIdle(String rid) {
            long old = idleTimer;
            if (old >= 0) {
                vertx.cancelTimer(old);
            }
            idleTimer = vertx.setTimer(config.idleTimeout().toMillis(), id -> fail(rid, "the agent went silent"));
        }

        private synchronized void onAnswer(RelayMessage m) {
            if (ended.get() || !m.requestId().equals(requestId)) {
                return;
            }
            switch (m.kind()) {
                case RelayMessage.DELTA -> {
                    armIdle(m.requestId());
                    if (m.content() != null && !m.content().isEmpty()) {
                        firstToken = true;
                        em.emit(new ProviderEvent.Delta(m.content()));
                    }
                }
                case RelayMessage.DONE -> {
                    if (ended.compareAndSet(false, true)) {
                        vertx.cancelTimer(deadlineTimer);
                        stopAttempt(false);
                        em.complete();
                    }
                }
                case RelayMessage.ERROR -> fail(m.requestId(), m.message() == null ? "the agent failed" : m.message());
                default -> LOG.debugf("unexpected relay record %s for %s", m.kind(), m.requestId());
            }
        }

        /** The current attempt failed: another agent if nothing was streamed yet, else the answer fails. */
        private synchronized void fail(String rid, String why) {
            if (ended.get() || !rid.equals(requestId)) {
                return;
            }
            lastFailure = why;
            stopAttempt(true);
            if (!firstToken && tried.size() < config.maxAttempts()) {
                LOG.infof("agent %s failed prompt %s (%s); trying another", tried.get(tried.size() - 1), rid, why);
                attempt();
            } else {
                end(new ProviderException("agent_error", "The agent failed: " + why, null, !firstToken), false);
            }
        }

        private void end(ProviderException failure, boolean cancelAgent) {
            if (ended.compareAndSet(false, true)) {
                vertx.cancelTimer(deadlineTimer);
                stopAttempt(cancelAgent);
                em.fail(failure);
            }
        }

        /** Forgets the current attempt, frees its agent and (unless it ended by itself) tells it to stop. */
        private void stopAttempt(boolean cancelAgent) {
            String rid = requestId;
            String agent = agentId;
            String replica = agentReplica;
            requestId = null;
            if (idleTimer >= 0) {
                vertx.cancelTimer(idleTimer);
                idleTimer = -1;
            }
            if (rid == null) {
                return;
            }
            relay.forget(rid);
            if (cancelAgent) {
                relay.send(RelayMessage.cancelFor(replica, registry.replicaId(), rid, agent)).subscribe().with(x -> { }, t -> { });
            }
            registry.release(agent, rid).subscribe().with(x -> { }, t -> LOG.warnf("agent %s not released: %s", agent, t.getMessage()));
        }
    }
}
