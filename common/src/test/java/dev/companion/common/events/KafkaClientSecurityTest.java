package dev.companion.common.events;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The clients a service builds itself log in as the service's Kafka user: the security settings of
 * application.properties (as every service writes them, from the KAFKA_* variables) reach their properties,
 * and nothing else of the kafka.* namespace does.
 */
class KafkaClientSecurityTest {

    private static final Map<String, String> SERVICE_PROPERTIES = Map.of(
            "kafka.bootstrap.servers", "${KAFKA_BOOTSTRAP_SERVERS:localhost:19092}",
            "kafka.security.protocol", "${KAFKA_SECURITY_PROTOCOL:PLAINTEXT}",
            "kafka.sasl.mechanism", "${KAFKA_SASL_MECHANISM:SCRAM-SHA-512}",
            "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"${KAFKA_USERNAME:}\" password=\"${KAFKA_PASSWORD:}\";",
            "kafka.ssl.truststore.location", "${KAFKA_TRUSTSTORE:}");

    private static SmallRyeConfig config(Map<String, String> environment) {
        Map<String, String> all = new java.util.HashMap<>(SERVICE_PROPERTIES);
        all.putAll(environment);
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(all, "test", 100)).build();
    }

    @Test
    void theDeployedSettingsGiveScramAsTheServicesUser() {
        Properties props = KafkaClientSecurity.apply(new Properties(), config(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_USERNAME", "chat-service", "KAFKA_PASSWORD", "s3cr3t-Xy")));
        assertEquals("SASL_PLAINTEXT", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"chat-service\" password=\"s3cr3t-Xy\";",
                props.get("sasl.jaas.config"));
        assertFalse(props.containsKey("bootstrap.servers"), "only security settings are copied");
        assertFalse(props.containsKey("ssl.truststore.location"), "an empty setting is left out");
    }

    @Test
    void theLocalRunStaysPlaintext() {
        Properties props = KafkaClientSecurity.apply(new Properties(), config(Map.of()));
        assertEquals("PLAINTEXT", props.get("security.protocol"));
    }
}
