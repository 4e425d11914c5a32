package dev.companion.common.events;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Properties;

/**
 * The security settings of the service's Kafka connection ({@code kafka.security.protocol},
 * {@code kafka.sasl.*}, {@code kafka.ssl.*} of application.properties, from {@code KAFKA_SECURITY_PROTOCOL},
 * {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_USERNAME}, {@code KAFKA_PASSWORD}) for the clients a service
 * builds itself (the outbox producer, image workers): the Reactive Messaging channels and the health check get
 * the same {@code kafka.*} settings from Quarkus, so every client of a service logs in as the same Kafka user.
 */
public final class KafkaClientSecurity {

    private static final String PREFIX = "kafka.";

    private KafkaClientSecurity() {
    }

    /** Adds the configured security settings to {@code props}; returns it. */
    public static Properties apply(Properties props) {
        return apply(props, ConfigProvider.getConfig());
    }

    static Properties apply(Properties props, Config config) {
        for (String name : config.getPropertyNames()) {
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String key = name.substring(PREFIX.length());
            if (key.equals("security.protocol") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                config.getOptionalValue(name, String.class).filter(v -> !v.isBlank()).ifPresent(v -> props.put(key, v));
            }
        }
        return props;
    }
}
