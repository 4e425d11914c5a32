package dev.companion.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Connection settings of a running local infrastructure, written to {@code infra.properties}
 * in the data directory so that services, tests and scripts can find it.
 */
public record InfraSettings(String pgHost, int pgPort, String pgUser, String pgPassword,
                            String kafkaBootstrap, String s3Endpoint, String s3AccessKey,
                            String s3SecretKey, String s3Region, String redisUrl) {

    public static final String[] DATABASES = {
            "companion_auth", "companion_project", "companion_chat", "companion_image", "companion_download"};
    public static final String IMAGES_BUCKET = "companion-images";
    public static final String DOWNLOADS_BUCKET = "companion-downloads";

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://" + pgHost + ":" + pgPort + "/" + database;
    }

    /** Environment variables a service process reads (the same names as docker-compose and k8s). */
    public Map<String, String> serviceEnvironment(String database) {
        Map<String, String> env = new LinkedHashMap<>();
        if (database != null) {
            env.put("DB_HOST", pgHost);
            env.put("DB_PORT", Integer.toString(pgPort));
            env.put("DB_NAME", database);
            env.put("DB_USER", pgUser);
            env.put("DB_PASSWORD", pgPassword);
        }
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap);
        env.put("S3_ENDPOINT", s3Endpoint);
        env.put("S3_PUBLIC_ENDPOINT", s3Endpoint);
        env.put("S3_ACCESS_KEY", s3AccessKey);
        env.put("S3_SECRET_KEY", s3SecretKey);
        env.put("S3_REGION", s3Region);
        if (redisUrl != null) {
            env.put("REDIS_URL", redisUrl);
        }
        return env;
    }

    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("pg.host", pgHost);
        p.setProperty("pg.port", Integer.toString(pgPort));
        p.setProperty("pg.user", pgUser);
        p.setProperty("pg.password", pgPassword);
        p.setProperty("kafka.bootstrap", kafkaBootstrap);
        p.setProperty("s3.endpoint", s3Endpoint);
        p.setProperty("s3.access-key", s3AccessKey);
        p.setProperty("s3.secret-key", s3SecretKey);
        p.setProperty("s3.region", s3Region);
        if (redisUrl != null) {
            p.setProperty("redis.url", redisUrl);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "Companion local infrastructure");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static InfraSettings read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return new InfraSettings(p.getProperty("pg.host"), Integer.parseInt(p.getProperty("pg.port")),
                p.getProperty("pg.user"), p.getProperty("pg.password"), p.getProperty("kafka.bootstrap"),
                p.getProperty("s3.endpoint"), p.getProperty("s3.access-key"), p.getProperty("s3.secret-key"),
                p.getProperty("s3.region"), p.getProperty("redis.url"));
    }
}
