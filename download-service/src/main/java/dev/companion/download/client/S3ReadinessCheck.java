package dev.companion.download.client;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when S3 and both buckets answer (PostgreSQL and Kafka have their own checks). */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements HealthCheck {

    private final ObjectStore store;

    public S3ReadinessCheck(ObjectStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("s3").status(store.bucketsReachable()).build();
    }
}
