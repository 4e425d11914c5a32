package dev.companion.download.client;

import dev.companion.download.config.DownloadConfig;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.SetBucketLifecycleArgs;
import io.minio.http.Method;
import io.minio.messages.Expiration;
import io.minio.messages.LifecycleConfiguration;
import io.minio.messages.LifecycleRule;
import io.minio.messages.ResponseDate;
import io.minio.messages.RuleFilter;
import io.minio.messages.Status;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The S3 buckets: reads originals from the images bucket, writes results to the downloads bucket and
 * signs GET links for the public endpoint. All calls block; callers run them on worker threads.
 */
@ApplicationScoped
public class ObjectStore {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);

    private final MinioClient internal;
    private final MinioClient publicSigner;
    private final DownloadConfig.S3 s3;

    public ObjectStore(DownloadConfig config) {
        this.s3 = config.s3();
        this.internal = MinioClient.builder().endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
        // A client on the public endpoint only signs: with the region given it never calls the server.
        this.publicSigner = MinioClient.builder().endpoint(s3.publicEndpoint())
                .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
    }

    /** The original image bytes under {@code storageKey} in the images bucket. */
    public InputStream openOriginal(String storageKey) {
        try {
            return internal.getObject(GetObjectArgs.builder().bucket(s3.imagesBucket()).object(storageKey).build());
        } catch (io.minio.errors.ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                // deleted in image-service a moment ago; the image.deleted event has not reached us yet
                throw new MissingObject(storageKey, e);
            }
            throw new StorageException("cannot read image " + storageKey, e);
        } catch (Exception e) {
            throw new StorageException("cannot read image " + storageKey, e);
        }
    }

    public void putDownload(String key, byte[] bytes, String contentType) {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            internal.putObject(PutObjectArgs.builder().bucket(s3.downloadsBucket()).object(key)
                    .stream(in, bytes.length, -1).contentType(contentType).build());
        } catch (Exception e) {
            throw new StorageException("cannot store " + key, e);
        }
    }

    /**
     * Streams {@code in} of unknown length into the downloads bucket as a multipart upload: the client
     * buffers one part at a time, so memory stays at about {@code partSize} whatever the total.
     */
    public void putDownloadStream(String key, InputStream in, long partSize, String contentType) {
        try {
            internal.putObject(PutObjectArgs.builder().bucket(s3.downloadsBucket()).object(key)
                    .stream(in, -1, partSize).contentType(contentType).build());
        } catch (Exception e) {
            throw new StorageException("cannot store " + key, e);
        }
    }

    public void deleteDownload(String key) {
        try {
            internal.removeObject(RemoveObjectArgs.builder().bucket(s3.downloadsBucket()).object(key).build());
        } catch (Exception e) {
            throw new StorageException("cannot delete " + key, e);
        }
    }

    /** A GET link valid for {@code ttl}, signed for the public endpoint; the browser saves it as {@code fileName}. */
    public String presign(String key, Duration ttl, String fileName) {
        int seconds = (int) Math.max(1, Math.min(ttl.toSeconds(), Duration.ofDays(7).toSeconds()));
        try {
            return publicSigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET)
                    .bucket(s3.downloadsBucket()).object(key).expiry(seconds)
                    .extraQueryParams(Map.of("response-content-disposition", contentDisposition(fileName)))
                    .build());
        } catch (Exception e) {
            throw new StorageException("cannot sign " + key, e);
        }
    }

    /** True when both buckets answer: the service can neither read originals nor store results otherwise. */
    public boolean bucketsReachable() {
        try {
            return internal.bucketExists(BucketExistsArgs.builder().bucket(s3.imagesBucket()).build())
                    && internal.bucketExists(BucketExistsArgs.builder().bucket(s3.downloadsBucket()).build());
        } catch (Exception e) {
            return false;
        }
    }

    /** RFC 6266: an ASCII fallback for old clients plus the UTF-8 name (RFC 5987) for the rest. */
    static String contentDisposition(String fileName) {
        StringBuilder ascii = new StringBuilder();
        fileName.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' ? (char) cp : '_'));
        String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    /**
     * A lifecycle rule as a backstop for the sweeper: S3 expires by whole days, so objects left behind
     * (e.g. by a crash between upload and bookkeeping) go after one day. Servers without lifecycle
     * support (s3proxy) refuse it; then the sweeper alone deletes expired objects.
     */
    void installLifecycleRule(@Observes StartupEvent event) {
        try {
            LifecycleRule rule = new LifecycleRule(Status.ENABLED, null, new Expiration((ResponseDate) null, 1, null),
                    new RuleFilter(""), "expire-downloads", null, null, null);
            internal.setBucketLifecycle(SetBucketLifecycleArgs.builder().bucket(s3.downloadsBucket())
                    .config(new LifecycleConfiguration(List.of(rule))).build());
            LOG.infof("lifecycle rule set on %s: objects expire after 1 day", s3.downloadsBucket());
        } catch (Exception e) {
            LOG.infof("S3 server does not accept a lifecycle rule on %s (%s); the sweeper deletes expired downloads",
                    s3.downloadsBucket(), e.getMessage());
        }
    }

    /** A failed S3 call. */
    public static class StorageException extends RuntimeException {
        public StorageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The object is not (any more) in the bucket: the image was deleted. */
    public static class MissingObject extends StorageException {
        public MissingObject(String key, Throwable cause) {
            super("no object " + key, cause);
        }
    }
}
