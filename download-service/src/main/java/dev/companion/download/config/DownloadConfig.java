package dev.companion.download.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Everything download-service reads from configuration (environment variables in prod). */
@ConfigMapping(prefix = "companion.download")
public interface DownloadConfig {

    S3 s3();

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

    /** A background bundle still processing after this long is declared failed (its worker died). */
    @WithDefault("PT15M")
    Duration stuckAfter();

    /** How often expired downloads are deleted from S3 ({@code off} disables the schedule). */
    @WithDefault("60s")
    String sweepInterval();

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
