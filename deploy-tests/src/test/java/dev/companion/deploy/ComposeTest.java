package dev.companion.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docker-compose.yml: valid for Compose, the real infrastructure, health-gated start-up, no secrets. */
class ComposeTest {

    private static final Set<String> INFRA = Set.of("secrets-check", "postgres", "kafka", "kafka-init", "minio", "minio-init", "redis");
    private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{([A-Z0-9_]+)(:?[-?])?([^}]*)}");

    private static Map<String, Object> services;

    @BeforeAll
    static void load() {
        Map<String, Object> compose = Yamls.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Repo.read("docker-compose.yml")));
        services = Yamls.mapOrEmpty(compose, "services");
    }

    @Test
    void composeAcceptsTheFileWithTheExampleEnvironment() {
        var result = Tools.run(Repo.root(), Tools.dockerCompose().toString(), "--env-file", ".env.example",
                "-f", "docker-compose.yml", "config", "-q");
        assertEquals(0, result.exitCode(), "docker-compose config -q: " + result.describe());
        // and the resolved model has every service (anchors and merge keys expanded by Compose itself)
        var resolved = Tools.run(Repo.root(), Tools.dockerCompose().toString(), "--env-file", ".env.example",
                "-f", "docker-compose.yml", "config", "--services");
        assertEquals(0, resolved.exitCode(), resolved.describe());
        Set<String> names = new TreeSet<>(List.of(resolved.stdout().trim().split("\\s+")));
        Set<String> expected = new TreeSet<>(INFRA);
        expected.addAll(Repo.WORKLOADS.keySet());
        assertEquals(expected, names);
    }

    @Test
    void everyAppServiceIsHealthCheckedAndStartsOnlyOnHealthyInfrastructure() {
        for (String name : Repo.WORKLOADS.keySet()) {
            Map<String, Object> service = Yamls.map(services.get(name));
            String test = String.valueOf(Yamls.at(service, "healthcheck.test"));
            assertTrue(test.contains("/q/health/ready"), name + " healthcheck: " + test);
            Map<String, Object> dependsOn = Yamls.mapOrEmpty(service, "depends_on");
            assertTrue(!dependsOn.isEmpty(), name + " has no depends_on");
            dependsOn.forEach((dep, cond) -> {
                String condition = Yamls.str(Yamls.map(cond), "condition");
                String expected = dep.endsWith("-init") || dep.equals("secrets-check") ? "service_completed_successfully" : "service_healthy";
                assertEquals(expected, condition, name + " depends_on " + dep);
            });
            if (Repo.DATABASES.containsKey(Repo.WORKLOADS.get(name))) {
                assertTrue(dependsOn.containsKey("postgres"), name + " must wait for postgres");
            }
            assertTrue(dependsOn.containsKey("kafka-init") || dependsOn.containsKey("kafka"), name + " must wait for Kafka");
            assertEquals(Boolean.TRUE, service.get("read_only"), name + " read_only");
            assertEquals(List.of("ALL"), service.get("cap_drop"), name + " cap_drop");
        }
        for (String name : Set.of("postgres", "kafka", "minio", "redis")) {
            assertNotNull(Yamls.at(Yamls.map(services.get(name)), "healthcheck.test"), name + " healthcheck");
        }
    }

    @Test
    void eachServiceImageIsBuiltFromItsModulesDockerfileAndTheWorkerReusesImageService() {
        for (String module : Repo.SERVICES.keySet()) {
            Map<String, Object> service = Yamls.map(services.get(module));
            assertEquals("./" + module, Yamls.str(service, "build.context"), module);
            assertEquals("src/main/docker/Dockerfile.jvm", Yamls.str(service, "build.dockerfile"), module);
            assertTrue(Yamls.str(service, "image").endsWith("/" + module + ":${COMPANION_VERSION:-1.0.0}"), module);
        }
        Map<String, Object> worker = Yamls.map(services.get("image-worker"));
        Map<String, Object> api = Yamls.map(services.get("image-service"));
        assertEquals(Yamls.str(api, "image"), Yamls.str(worker, "image"), "one image, two roles");
        assertEquals(Yamls.str(api, "build.context"), Yamls.str(worker, "build.context"), "built, never pulled");
        assertEquals("worker", Yamls.str(worker, "environment.IMAGE_ROLE"));
        assertEquals("api", Yamls.str(api, "environment.IMAGE_ROLE"));
        assertTrue(worker.get("container_name") == null && worker.get("ports") == null,
                "image-worker must be scalable: no container_name, no published ports");
    }


    @Test
    void theInitScriptCreatesEveryServiceDatabase() {
        String script = Repo.read("deploy/compose/postgres/init-databases.sh");
        Map<String, Object> postgres = Yamls.map(services.get("postgres"));
        assertTrue(String.valueOf(postgres.get("volumes")).contains(
                "./deploy/compose/postgres/init-databases.sh:/docker-entrypoint-initdb.d/"));
        for (String module : Repo.DATABASES.keySet()) {
            String db = Yamls.str(Yamls.map(services.get(module)), "environment.DB_NAME");
            assertEquals(Repo.DATABASES.get(module), db, module);
            assertTrue(script.matches("(?s).*\\nservice_database " + db + " .*"), "init script misses " + db);
        }
    }

    @Test
    void minioInitCreatesTheBucketsTheServicesUse() {
        Map<String, Object> init = Yamls.mapOrEmpty(Yamls.map(services.get("minio-init")), "environment");
        Set<String> created = Set.of(String.valueOf(init.get("S3_IMAGES_BUCKET")), String.valueOf(init.get("S3_DOWNLOADS_BUCKET")));
        for (String name : Repo.WORKLOADS.keySet()) {
            Map<String, Object> env = Yamls.mapOrEmpty(Yamls.map(services.get(name)), "environment");
            for (String bucket : List.of("S3_IMAGES_BUCKET", "S3_DOWNLOADS_BUCKET")) {
                if (env.containsKey(bucket)) {
                    assertTrue(created.contains(String.valueOf(env.get(bucket))), name + " " + bucket + " is not created by minio-init");
                }
            }
            if (env.containsKey("S3_ENDPOINT")) {
                assertTrue(Yamls.mapOrEmpty(Yamls.map(services.get(name)), "depends_on").containsKey("minio-init"), name + " must wait for the buckets");
            }
        }
    }

    @Test
    void kafkaRunsInKraftModeAndTheTopicsMatchTheLocalStack() {
        Map<String, Object> kafka = Yamls.map(services.get("kafka"));
        assertTrue(Yamls.str(kafka, "image").startsWith("apache/kafka:"), "official Apache image");
        assertTrue(String.valueOf(kafka.get("entrypoint")).contains("/deploy/start-kafka.sh"), "the broker's own configuration");
        Map<String, String> broker = ComposeHardeningTest.brokerProperties();
        assertEquals("broker,controller", broker.get("process.roles"));
        assertEquals("false", broker.get("auto.create.topics.enable"));
        Map<String, Integer> topics = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^([a-z-]+\\.[a-z]+) (\\d+)$").matcher(Repo.read("deploy/compose/kafka/create-topics.sh"));
        while (m.find()) {
            topics.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertEquals(LocalStackTopics.read(), topics);
    }

    @Test
    void noSecretIsWrittenIntoTheFileAndEveryRequiredVariableIsInTheExample() {
        Map<String, String> example = dotEnv(Repo.read(".env.example"));
        Set<String> required = new TreeSet<>();
        Matcher m = REFERENCE.matcher(Repo.read("docker-compose.yml"));
        while (m.find()) {
            if ("?".equals(m.group(2)) || ":?".equals(m.group(2)) || m.group(2) == null) {
                required.add(m.group(1));
            }
        }
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(example.keySet());
        assertTrue(missing.isEmpty(), ".env.example lacks " + missing);
        services.forEach((name, s) -> Yamls.mapOrEmpty(Yamls.map(s), "environment").forEach((key, value) -> {
            if (key.matches(".*(PASSWORD|SECRET|SECRET_KEY|ACCESS_KEY|API_KEYS?|SIGNING_KEY)")) {
                assertTrue(String.valueOf(value).matches("\\$\\{[A-Z0-9_]+(:[-?][^}]*)?}"),
                        name + " " + key + " must come from .env, not be written in docker-compose.yml");
            }
        }));
        example.forEach((key, value) -> {
            if (key.matches(".*(PASSWORD|SECRET_KEY|API_KEY|KEYS).*") && !value.isEmpty()) {
                // and secrets-check refuses every one of them (ComposeHardeningTest)
                assertTrue(value.startsWith("change-me"), ".env.example " + key + " must be a change-me placeholder");
            }
        });
    }

    @Test
    void everySettingOfTheExampleIsUsedByTheComposeFile() {
        Set<String> referenced = new TreeSet<>();
        Matcher m = REFERENCE.matcher(Repo.read("docker-compose.yml"));
        while (m.find()) {
            referenced.add(m.group(1));
        }
        Set<String> unused = new TreeSet<>(dotEnv(Repo.read(".env.example")).keySet());
        unused.removeAll(referenced);
        unused.remove("COMPOSE_PROJECT_NAME"); // read by Compose itself
        assertTrue(unused.isEmpty(), ".env.example has settings docker-compose.yml never reads: " + unused);
    }

    static Map<String, String> dotEnv(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            values.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
        }
        return values;
    }
}
