package dev.companion.chat.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers this process is streaming right now: the content so far and the last chunk index (for
 * stream-status and resume), the handle that closes the provider stream (cancel, timeout), and the SSE
 * listeners that mirror the chunks.
 */
@ApplicationScoped
public class LiveStreams {

    private final Map<String, LiveStream> byMessage = new ConcurrentHashMap<>();

    public LiveStreams(MeterRegistry registry) {
        Gauge.builder("companion.chat.live_streams", byMessage, Map::size)
                .description("Answers this replica is streaming now").register(registry);
    }

    public LiveStream open(String chatId, String messageId, String model) {
        LiveStream s = new LiveStream(chatId, messageId, model, Instant.now());
        byMessage.put(messageId, s);
        return s;
    }

    public Optional<LiveStream> get(String messageId) {
        return Optional.ofNullable(byMessage.get(messageId));
    }

    /** The live stream of a chat, if one is running here (the newest if several, e.g. a parallel batch). */
    public Optional<LiveStream> ofChat(String chatId) {
        return byMessage.values().stream().filter(s -> s.chatId.equals(chatId))
                .max((a, b) -> a.startedAt.compareTo(b.startedAt));
    }

    public List<LiveStream> allOfChat(String chatId) {
        return byMessage.values().stream().filter(s -> s.chatId.equals(chatId)).toList();
    }

    public List<String> liveMessageIds() {
        return List.copyOf(byMessage.keySet());
    }

    void close(String messageId) {
        byMessage.remove(messageId);
    }

    /** One streaming answer. Mutated from the stream's thread; read by status requests. */
    public static final class LiveStream {
        public final String chatId;
        public final String messageId;
        public final String model;
        public final Instant startedAt;
        private final StringBuilder content = new StringBuilder();
        private int lastIndex = -1;
        private volatile Cancellable upstream;
        private volatile Runnable onStop;
        /** Why the stream was stopped from outside: {@code cancelled} or {@code timeout}; null while running. */
        private volatile String stopReason;
        private final List<MultiEmitter<? super String>> listeners = new ArrayList<>();

        LiveStream(String chatId, String messageId, String model, Instant startedAt) {
            this.chatId = chatId;
            this.messageId = messageId;
            this.model = model;
            this.startedAt = startedAt;
        }

        public synchronized String content() {
            return content.toString();
        }

        public synchronized int lastIndex() {
            return lastIndex;
        }

        synchronized int append(String delta) {
            content.append(delta);
            return ++lastIndex;
        }

        /** The running provider subscription, and what to do once it was stopped from outside. */
        void upstream(Cancellable c, Runnable onStop) {
            this.upstream = c;
            this.onStop = onStop;
            if (stopReason != null) {
                c.cancel();
                onStop.run();
            }
        }

        /** Stops the provider stream; returns false if it was already stopped. */
        public boolean stop(String reason) {
            synchronized (this) {
                if (stopReason != null) {
                    return false;
                }
                stopReason = reason;
            }
            Cancellable c = upstream;
            if (c != null) {
                c.cancel();
                onStop.run();
            }
            return true;
        }

        public String stopReason() {
            return stopReason;
        }

        public synchronized void listen(MultiEmitter<? super String> emitter) {
            listeners.add(emitter);
        }

        synchronized void broadcast(String sseData) {
            listeners.removeIf(MultiEmitter::isCancelled);
            for (MultiEmitter<? super String> l : listeners) {
                l.emit(sseData);
            }
        }

        synchronized void endListeners() {
            for (MultiEmitter<? super String> l : listeners) {
                l.emit("[DONE]");
                l.complete();
            }
            listeners.clear();
        }
    }
}
