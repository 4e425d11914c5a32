package dev.companion.chat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed settings of chat-service: the model catalogue, the providers, streaming and batches. */
@ConfigMapping(prefix = "companion.chat")
public interface ChatConfig {

    /** Model used when a chat is created without one. */
    @WithDefault("offline-echo")
    String defaultModel();

    /** Model name → provider and limits; only these names are accepted in a chat's {@code model}. */
    Map<String, ModelConfig> models();

    /** Provider name → how to reach it; models point at one by name. */
    Map<String, ProviderConfig> providers();

    Streaming streaming();

    Limits limits();

    Memories memories();

    Attachments attachments();

    /** User-level memories (issue #18): how many, how long, and how much of a prompt they may take. */
    interface Memories {
        /** Tokens of the system prompt the memories may take; the oldest are left out first. */
        @WithDefault("1000")
        int tokenBudget();

        /** Memories one user may keep. */
        @WithDefault("200")
        int maxPerUser();

        /** Characters of one memory. */
        @WithDefault("2000")
        int maxLength();
    }

    /** What a prompt's attachments may bring to the model (issue #18). */
    interface Attachments {
        /** Bytes of one image (library or inline), before base64. */
        @WithDefault("4194304")
        int maxImageBytes();

        /** Pixels (width × height) of one image. */
        @WithDefault("16777216")
        long maxImagePixels();

        /** Characters of one text file. */
        @WithDefault("100000")
        int maxTextChars();

        /** The {@code detail} of image parts sent to the provider ({@code auto}, {@code low}, {@code high}). */
        @WithDefault("auto")
        String imageDetail();

        /**
         * Where chat-service reaches S3 (e.g. {@code http://minio:9000} in compose), when presigned URLs are signed
         * for a public endpoint it cannot reach: the connection goes here, the signed {@code Host} header stays.
         * Unset: the presigned URL is read as it is.
         */
        Optional<java.net.URI> storageEndpoint();
    }

    /** What one request or one user may cost; each refusal is the seed's envelope. */
    interface Limits {
        /** Characters of a prompt after its {@code {{variables}}} are filled (and a chained batch's {@code {{previous}}}). */
        @WithDefault("100000")
        int maxExpandedContent();

        /** Bytes of a prompt's {@code attachments} as JSON, all together (at most 10 of them). */
        @WithDefault("1048576")
        int maxAttachmentBytes();

        /** Answers one user may have streaming at once outside batches (send, SSE send, regenerate). */
        @WithDefault("5")
        int maxConcurrentAnswers();

        /** Batch items one user may have streaming at once (a parallel batch counts all of its prompts). */
        @WithDefault("20")
        int maxConcurrentBatchItems();

        /** {@code Retry-After} of a refusal by one of the concurrency budgets. */
        @WithDefault("5s")
        Duration busyRetryAfter();
    }

    interface ModelConfig {
        /** Name of an entry of {@code providers} (by default {@code openai} or {@code offline}). */
        String provider();

        /** Name sent to the provider; defaults to the catalogue name. */
        Optional<String> providerModel();

        @WithDefault("8192")
        int contextWindow();

        @WithDefault("2048")
        int maxOutputTokens();

        /** Whether the model takes image content parts (vision); images attached to another model are refused. */
        @WithDefault("false")
        boolean vision();

        /** Model tried when this one fails before its first token (rate limited, no keys, unavailable). */
        Optional<String> fallback();
    }

    interface ProviderConfig {
        /** {@code openai} (any OpenAI-compatible server) or {@code offline}. */
        String type();

        /** Base URL of an OpenAI-compatible API, up to and including {@code /v1}. */
        Optional<String> baseUrl();

        /** The key pool; none means the provider's models answer message.error {@code no_accounts}. */
        Optional<List<String>> apiKeys();

        @WithDefault("10s")
        Duration connectTimeout();

        /**
         * Connections one replica may hold open to this provider. Every streaming answer holds one for its
         * whole length, so this is how many answers stream at once; the next waits for a free one (it used
         * to be 50, hard-coded: the 51st answer of a replica waited, and the sends behind it held the
         * gateway's upstream connections until requests timed out).
         */
        @WithDefault("1000")
        int maxConnections();

        /** Longest wait for the response headers; only before the first token do we retry. */
        @WithDefault("30s")
        Duration firstTokenTimeout();

        /** Longest silence between two stream events once the answer is flowing. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** Cooldown of a key after a 429 without Retry-After. */
        @WithDefault("30s")
        Duration defaultCooldown();

        /** Attempts (server errors, lost connections) before the first token; 429s move to the next key. */
        @WithDefault("3")
        int maxAttempts();

        /** Offline provider: pause between two chunks, so streaming is visible. */
        @WithDefault("40ms")
        Duration chunkDelay();
    }

    interface Streaming {
        /** Longest a whole answer may take before it ends as {@code timeout}. */
        @WithDefault("5m")
        Duration answerTimeout();

        @WithDefault("30s")
        Duration defaultBatchTimeout();

        /**
         * A streaming answer whose row was not refreshed for this long belongs to a process that is gone
         * (each process refreshes its live answers every few seconds); it then ends as an error.
         */
        @WithDefault("30s")
        Duration staleAfter();
    }
}
