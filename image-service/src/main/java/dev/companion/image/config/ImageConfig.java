package dev.companion.image.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Everything image-service reads from configuration (see the README's config table). */
@ConfigMapping(prefix = "companion.image")
public interface ImageConfig {

    /** api, worker or both: which halves of the artifact run in this process. */
    @WithDefault("both")
    String role();

    /** Model used when a request names none. */
    @WithDefault("offline-art")
    String defaultModel();

    /** Model name (as clients send it) → provider. Only these models are accepted. */
    Map<String, Model> models();

    /** Concurrent (queued + processing) generations allowed per user. */
    @WithDefault("3")
    int maxConcurrentPerUser();

    Limits limits();

    Worker worker();

    Storage storage();

    Analysis analysis();

    OpenAi openai();

    interface Model {
        /** offline or openai. */
        String provider();

        /** Model name sent upstream (OpenAI-compatible providers). */
        Optional<String> upstreamModel();
    }

    /** Resource budgets (issue #15): what one image may take decoded, and how much image work runs at once. */
    interface Limits {
        /**
         * width × height × bytes per pixel of an image as ImageIO would decode it, read from the header before
         * anything is decoded (uploads, stored images, provider results); beyond it the image is refused.
         */
        @WithDefault("67108864")
        long maxDecodedBytes();

        /** Image work (decode, analysis, thumbnail) running at once; 0 = the available processors. */
        @WithDefault("0")
        int conversionConcurrency();

        /** Image work waiting for a thread; one more is 503 {@code SERVICE_UNAVAILABLE} + Retry-After. */
        @WithDefault("8")
        int conversionQueue();

        /** Longest image work waits for a thread before it is refused with 503. */
        @WithDefault("10s")
        Duration conversionMaxWait();

        /** How long a generation job keeps retrying a full pool for its decode and thumbnail before giving up. */
        @WithDefault("60s")
        Duration jobConversionPatience();

        /** Retry-After of the 429 for too many generations in progress. */
        @WithDefault("5s")
        Duration busyRetryAfter();
    }

    interface Worker {
        /** Kafka consumers (job slots) this process runs when it is a worker. */
        @WithDefault("1")
        int concurrency();

        @WithDefault("image-workers")
        String groupId();

        /** How long a claimed job stays owned without a heartbeat. */
        @WithDefault("30s")
        Duration lease();

        /** How often the owner extends its lease and the worker reports itself alive. */
        @WithDefault("5s")
        Duration heartbeat();

        /** How often expired leases are looked for. */
        @WithDefault("5s")
        Duration sweepInterval();

        /** Attempts before a job that keeps losing its worker is failed. */
        @WithDefault("3")
        int maxAttempts();

        /** Where a job record no worker can ever run goes (not an envelope, unreadable image.requested). */
        @WithDefault("image-service.dlt")
        String deadLetterTopic();

        /** Used for estimatedTime before any job has completed. */
        @WithDefault("8s")
        Duration defaultJobDuration();
    }

    interface Storage {
        String endpoint();

        /** Endpoint presigned URLs are signed for: what a browser outside the cluster can reach. */
        Optional<String> publicEndpoint();

        String accessKey();

        String secretKey();

        @WithDefault("us-east-1")
        String region();

        @WithDefault("companion-images")
        String bucket();

        @WithDefault("1h")
        Duration urlExpiry();

        @WithDefault("256")
        int thumbnailSize();
    }

    interface Analysis {
        /** Analyzer used when a request names none: offline or openai. */
        @WithDefault("offline")
        String defaultProvider();

        /** Model sent to the OpenAI-compatible vision endpoint. */
        @WithDefault("gpt-4o-mini")
        String visionModel();

        @WithDefault("10485760")
        long maxBytes();

        /** Width × height ceiling, checked from the header before any decoding. */
        @WithDefault("40000000")
        long maxPixels();
    }

    interface OpenAi {
        /** Base URL of an OpenAI-compatible server, without /v1. */
        @WithDefault("https://api.openai.com")
        String baseUrl();

        Optional<String> apiKey();

        @WithDefault("120s")
        Duration timeout();

        /** Largest image the client accepts from the provider. */
        @WithName("max-response-bytes")
        @WithDefault("33554432")
        long maxResponseBytes();
    }
}
