package dev.companion.deploy;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application.properties reader the drift checks rely on. */
class ServiceConfigTest {

    @Test
    void findsReferencesWithAndWithoutDefaultsAndInsideDefaults() {
        ServiceConfig config = ServiceConfig.parse("""
                quarkus.datasource.reactive.url=postgresql://${DB_HOST:localhost}:${DB_PORT:15432}/${DB_NAME:companion_x}
                quarkus.datasource.password=${DB_PASSWORD}
                s3.public=${S3_PUBLIC_ENDPOINT:${S3_ENDPOINT:http://localhost:19000}}
                redirect=https://${EXT_ID:abc}.example/,chrome-extension://${EXT_ID:abc}/cb
                empty=${OPENAI_API_KEYS:}
                """);
        assertEquals(Set.of("DB_HOST", "DB_PORT", "DB_NAME", "DB_PASSWORD", "S3_PUBLIC_ENDPOINT", "S3_ENDPOINT", "EXT_ID",
                "OPENAI_API_KEYS"), config.required());
        assertEquals("15432", config.references().get("DB_PORT"));
        assertNull(config.references().get("DB_PASSWORD"));
        assertEquals("${S3_ENDPOINT:http://localhost:19000}", config.references().get("S3_PUBLIC_ENDPOINT"));
        assertEquals("", config.references().get("OPENAI_API_KEYS"));
    }

    @Test
    void propertyReferencesAndEscapesAreNotEnvironmentVariables() {
        ServiceConfig config = ServiceConfig.parse("""
                a=${quarkus.http.port}
                b=\\\\${NOT_A_REFERENCE}
                """);
        assertTrue(config.required().isEmpty(), config.required().toString());
    }

    @Test
    void onlyTheProdProfileApplies() {
        ServiceConfig config = ServiceConfig.parse("""
                %test.a=${ONLY_IN_TESTS:x}
                %dev.b=${ONLY_IN_DEV}
                %prod.c=${IN_PROD:y}
                """);
        assertEquals(Set.of("IN_PROD"), config.required());
        assertFalse(config.reads("B"));
    }

    @Test
    void propertiesAreReadableUnderTheirEnvironmentNamesProfilesIgnored() {
        ServiceConfig config = ServiceConfig.parse("""
                quarkus.http.port=8081
                %prod.quarkus.log.console.json.enabled=true
                gateway.rate-limit.store=memory
                """);
        assertTrue(config.reads("QUARKUS_HTTP_PORT"));
        assertTrue(config.reads("QUARKUS_LOG_CONSOLE_JSON_ENABLED"));
        assertTrue(config.reads("GATEWAY_RATE_LIMIT_STORE"));
        assertFalse(config.reads("QUARKUS_HTTP_PORTS"));
        assertTrue(config.required().isEmpty(), "a property is optional to set, a ${VAR} reference is not");
    }
}
