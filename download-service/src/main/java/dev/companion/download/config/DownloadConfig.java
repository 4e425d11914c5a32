package dev.companion.download.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Everything download-service reads from configuration (environment variables in prod). */
@ConfigMapping(prefix = "companion.download")
public interface DownloadConfig {

    S3 s3();

    /** What one request may cost (issue #15): pixels, decoded bytes, conversions at once, bundles queued. */
    Limits limits();

    /** How long a download link (and its object) lives. */
    @WithDefault("PT1H")
    Duration linkTtl();

    /** Bundles of at most this many images are made within the request; larger ones in the background. */
    @WithDefault("20")
    int syncMaxImages();

    /** Part size of the multipart upload that streams a zip into S3 (S3 needs ≥ 5 MiB). */
    @WithDefault("5242880")
    long zipPartSize();

    /** Threads that build background bundles. */
    @WithDefault("2")
    int workerThreads();

    /**
     * Originals a bundle reads from S3 ahead of the entry it is writing (overlapping the round trips with
     * each other and with the conversion); also what one bundle holds in memory at most.
     */
    @WithDefault("4")
    int bundlePrefetch();

    /** A background bundle still processing after this long is declared failed (its worker died). */
    @WithDefault("PT15M")
    Duration stuckAfter();

    /** How often expired downloads are deleted from S3 ({@code off} disables the schedule). */
    @WithDefault("60s")
    String sweepInterval();

    interface Limits {
        /**
         * Pixels of any image the service renders (the output of a conversion: 4 bytes each while encoding).
         * Beyond it a single or sync download is 400 {@code VALIDATION_ERROR} naming width/height.
         */
        @WithDefault("16777216")
        long maxOutputPixels();

        /**
         * width × height × bytes per pixel of a source as ImageIO would decode it, read from the header
         * before anything is decoded; beyond it the image is refused (400 / the bundle fails).
         */
        @WithDefault("67108864")
        long maxDecodedBytes();

        /** Conversions (header, decode, resize, encode) running at once; 0 = the available processors. */
        @WithDefault("0")
        int conversionConcurrency();

        /** Conversions waiting for a thread; one more is 503 {@code SERVICE_UNAVAILABLE} + Retry-After. */
        @WithDefault("8")
        int conversionQueue();

        /** Longest a conversion waits for a thread before it is refused with 503. */
        @WithDefault("10s")
        Duration conversionMaxWait();

        /** Background bundles one user may have processing at once; the next is 429 {@code RATE_LIMIT}. */
        @WithDefault("3")
        int maxQueuedBundlesPerUser();

        /** {@code Retry-After} of the 429 for too many queued bundles. */
        @WithDefault("10s")
        Duration busyRetryAfter();
    }

    interface S3 {
        String endpoint();

        /** The endpoint browsers reach; presigned URLs are signed for it. */
        String publicEndpoint();

        String accessKey();

        String secretKey();

        @WithDefault("us-east-1")
        String region();

        @WithDefault("companion-images")
        String imagesBucket();

        @WithDefault("companion-downloads")
        String downloadsBucket();
    }
}
