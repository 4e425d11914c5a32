package dev.companion.testing;

import dev.companion.infra.InfraProcess;
import dev.companion.infra.InfraSettings;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Starts real PostgreSQL, Kafka and S3 (and Redis when {@code redis=true}) once per test JVM,
 * on free ports, and hands the connection settings to Quarkus under the same names the services
 * read from the environment ({@code DB_HOST}, {@code KAFKA_BOOTSTRAP_SERVERS}, {@code S3_ENDPOINT}…).
 * Init args: {@code database} (e.g. {@code companion_project}), {@code redis}.
 */
public class LocalInfraResource implements QuarkusTestResourceLifecycleManager {

    private static InfraProcess shared;
    private String database;
    private boolean redis;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get("database");
        redis = Boolean.parseBoolean(initArgs.getOrDefault("redis", "false"));
    }

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (shared == null) {
                Path dir = Path.of("target", "infra-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
                shared = InfraProcess.startEphemeral(dir, redis);
                Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "infra-stop"));
                InfraControl.Commands.register(shared);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not start the local infrastructure", e);
        }
        InfraSettings s = shared.settings();
        Map<String, String> config = new HashMap<>(s.serviceEnvironment(database));
        if (database != null) {
            config.put("quarkus.datasource.reactive.url", s.reactiveUrl(database));
            config.put("quarkus.datasource.jdbc.url", s.jdbcUrl(database));
            config.put("quarkus.datasource.username", s.pgUser());
            config.put("quarkus.datasource.password", s.pgPassword());
        }
        config.put("kafka.bootstrap.servers", s.kafkaBootstrap());
        config.put("quarkus.devservices.enabled", "false");
        config.putAll(TestTokens.config());
        return config;
    }

    @Override
    public void stop() {
        // kept for the whole test JVM: several test classes share one infrastructure; closed at JVM exit
    }
}
