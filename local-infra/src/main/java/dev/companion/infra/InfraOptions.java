package dev.companion.infra;

import java.nio.file.Path;

/**
 * Where the local infrastructure keeps its data and which ports it listens on; a port of 0
 * picks a free one (tests), the defaults avoid a system PostgreSQL on 5432.
 */
public record InfraOptions(Path dataDir, boolean clean, boolean deleteOnClose, boolean redis,
                           int pgPort, int kafkaPort, int s3Port, int redisPort) {

    public static final int DEFAULT_PG_PORT = 15432;
    public static final int DEFAULT_KAFKA_PORT = 19092;
    public static final int DEFAULT_S3_PORT = 19000;
    public static final int DEFAULT_REDIS_PORT = 16379;

    public static InfraOptions localDefaults() {
        return new InfraOptions(Path.of(".companion", "data"), false, false, true,
                DEFAULT_PG_PORT, DEFAULT_KAFKA_PORT, DEFAULT_S3_PORT, DEFAULT_REDIS_PORT);
    }

    /** Throw-away infrastructure on free ports, deleted on close. */
    public static InfraOptions ephemeral(Path dataDir, boolean redis) {
        return new InfraOptions(dataDir, true, true, redis, 0, 0, 0, 0);
    }

    /** Parses {@code --data-dir DIR --clean --no-redis --pg-port N --kafka-port N --s3-port N --redis-port N}. */
    public static InfraOptions parse(String[] args, InfraOptions base) {
        InfraOptions o = base;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--clean" -> o = new InfraOptions(o.dataDir, true, o.deleteOnClose, o.redis, o.pgPort, o.kafkaPort, o.s3Port, o.redisPort);
                case "--ephemeral" -> o = new InfraOptions(o.dataDir, true, true, o.redis, o.pgPort, o.kafkaPort, o.s3Port, o.redisPort);
                case "--no-redis" -> o = new InfraOptions(o.dataDir, o.clean, o.deleteOnClose, false, o.pgPort, o.kafkaPort, o.s3Port, o.redisPort);
                case "--data-dir" -> o = new InfraOptions(Path.of(args[++i]), o.clean, o.deleteOnClose, o.redis, o.pgPort, o.kafkaPort, o.s3Port, o.redisPort);
                case "--pg-port" -> o = new InfraOptions(o.dataDir, o.clean, o.deleteOnClose, o.redis, Integer.parseInt(args[++i]), o.kafkaPort, o.s3Port, o.redisPort);
                case "--kafka-port" -> o = new InfraOptions(o.dataDir, o.clean, o.deleteOnClose, o.redis, o.pgPort, Integer.parseInt(args[++i]), o.s3Port, o.redisPort);
                case "--s3-port" -> o = new InfraOptions(o.dataDir, o.clean, o.deleteOnClose, o.redis, o.pgPort, o.kafkaPort, Integer.parseInt(args[++i]), o.redisPort);
                case "--redis-port" -> o = new InfraOptions(o.dataDir, o.clean, o.deleteOnClose, o.redis, o.pgPort, o.kafkaPort, o.s3Port, Integer.parseInt(args[++i]));
                default -> { /* options of the caller (e.g. the stack launcher) are left to it */ }
            }
        }
        return o;
    }
}
