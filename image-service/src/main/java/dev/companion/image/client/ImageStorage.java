package dev.companion.image.client;

import dev.companion.image.config.ImageConfig;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Collection;

/**
 * The images bucket. Two clients: one on the in-cluster endpoint for reads and writes, one on the
 * public endpoint only to sign URLs (signing is local: the region is set, so it never calls out).
 * Blocking; call off the event loop.
 */
@ApplicationScoped
public class ImageStorage {

    private final MinioClient internal;
    private final MinioClient signer;
    private final ImageConfig.Storage config;

    public ImageStorage(ImageConfig config) {
        this.config = config.storage();
        this.internal = MinioClient.builder().endpoint(this.config.endpoint())
                .credentials(this.config.accessKey(), this.config.secretKey()).region(this.config.region()).build();
        this.signer = MinioClient.builder().endpoint(this.config.publicEndpoint().orElse(this.config.endpoint()))
                .credentials(this.config.accessKey(), this.config.secretKey()).region(this.config.region()).build();
    }

    public void put(String key, byte[] bytes, String contentType) {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            internal.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(key)
                    .stream(in, bytes.length, -1).contentType(contentType).build());
        } catch (Exception e) {
            throw new IllegalStateException("could not store " + key + ": " + e.getMessage(), e);
        }
    }

    public byte[] get(String key) {
        try (InputStream in = internal.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key).build())) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new IllegalStateException("could not read " + key + ": " + e.getMessage(), e);
        }
    }

    /** Removes objects; a missing object is not an error (deletes are retried by redelivered events). */
    public void delete(Collection<String> keys) {
        for (String key : keys) {
            try {
                internal.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build());
            } catch (ErrorResponseException e) {
                if (!"NoSuchKey".equals(e.errorResponse().code())) {
                    throw new IllegalStateException("could not delete " + key + ": " + e.getMessage(), e);
                }
            } catch (Exception e) {
                throw new IllegalStateException("could not delete " + key + ": " + e.getMessage(), e);
            }
        }
    }

    /** A GET URL for the browser, valid for the configured expiry, signed for the public endpoint. */
    public String presignedUrl(String key) {
        try {
            return signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET)
                    .bucket(config.bucket()).object(key).expiry((int) config.urlExpiry().toSeconds()).build());
        } catch (Exception e) {
            throw new IllegalStateException("could not sign " + key + ": " + e.getMessage(), e);
        }
    }
}
