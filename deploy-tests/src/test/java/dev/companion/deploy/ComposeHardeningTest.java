package dev.companion.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml's security controls (issue #16): the stack refuses to start on placeholder, default,
 * short or shared secrets (the secrets-check container, run for real here); only the gateway is published
 * (the debug override binds 127.0.0.1 only); each service logs in to PostgreSQL as its own non-superuser role
 * and to Kafka with SASL/SCRAM as its own user, on a broker that authenticates every client and authorises by ACL.
 */
class ComposeHardeningTest {

    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|SECRET_KEY|API_KEYS?|SIGNING_KEY)");
    private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{([A-Z0-9_]+)(:?[-?])?([^}]*)}");

    private static Map<String, Object> services;

    @BeforeAll
    static void load() {
        services = Yamls.mapOrEmpty(Yamls.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Repo.read("docker-compose.yml"))), "services");
    }

    private static Map<String, Object> env(String service) {
        return Yamls.mapOrEmpty(Yamls.map(services.get(service)), "environment");
    }

    /** The compose model as docker-compose itself resolves it (anchors, merge keys, variables). */
    private static Map<String, Object> resolved(String envFile, String... extraFiles) {
        List<String> command = new ArrayList<>(List.of(Tools.dockerCompose().toString(), "--env-file", envFile, "-f", "docker-compose.yml"));
        for (String f : extraFiles) {
            command.add("-f");
            command.add(f);
        }
        command.add("config");
        var result = Tools.run(command, Repo.root(), null, Map.of());
        assertEquals(0, result.exitCode(), result.describe());
        return Yamls.mapOrEmpty(Yamls.map(new Yaml(new SafeConstructor(new LoaderOptions())).load(result.stdout())), "services");
    }

    // --- secrets ----------------------------------------------------------------------------------

    @Test
    void nothingStartsBeforeTheSecretsCheckSucceeded() {
        Map<String, Object> model = resolved(".env.example");
        for (String name : model.keySet()) {
            if (name.equals("secrets-check")) {
                continue;
            }
            Object condition = Yamls.at(Yamls.map(model.get(name)), "depends_on.secrets-check.condition");
            assertEquals("service_completed_successfully", String.valueOf(condition), name + " must wait for secrets-check");
        }
    }

    @Test
    void theCheckCoversEverySecretTheFileReads() {
        Set<String> secrets = new TreeSet<>();
        Matcher m = REFERENCE.matcher(Repo.read("docker-compose.yml"));
        while (m.find()) {
            if (SECRET_NAME.matcher(m.group(1)).matches()) {
                secrets.add(m.group(1));
            }
        }
        Set<String> checked = new TreeSet<>(required());
        checked.addAll(List.of(String.valueOf(env("secrets-check").get("OPTIONAL_SECRETS")).split("\\s+")));
        Set<String> unchecked = new TreeSet<>(secrets);
        unchecked.removeAll(checked);
        assertTrue(unchecked.isEmpty(), "secrets-check does not look at " + unchecked);
        for (String name : required()) {
            assertTrue(String.valueOf(env("secrets-check").get(name)).startsWith("${" + name + ":?"), name + " is passed to the check");
        }
    }

    private static List<String> required() {
        return List.of(String.valueOf(env("secrets-check").get("REQUIRED_SECRETS")).trim().split("\\s+"));
    }

    private static Tools.Result check(Map<String, String> values) {
        Map<String, String> environment = new HashMap<>(values);
        environment.put("REQUIRED_SECRETS", String.join(" ", required()));
        environment.put("OPTIONAL_SECRETS", String.valueOf(env("secrets-check").get("OPTIONAL_SECRETS")));
        return Tools.run(List.of("sh", "deploy/compose/secrets/check-secrets.sh"), Repo.root(), null, environment);
    }

    @Test
    void theExamplesPlaceholdersAreRefusedEveryOne() {
        Tools.Result result = check(ComposeTest.dotEnv(Repo.read(".env.example")));
        assertEquals(1, result.exitCode(), result.describe());
        for (String name : required()) {
            assertTrue(result.stderr().contains(name + " is"), name + " not refused: " + result.stderr());
        }
    }

    @Test
    void aGeneratedEnvPassesAndAnyWeakValueInItIsRefused() throws IOException {
        Map<String, String> generated = generatedEnv();
        for (String name : required()) {
            assertTrue(generated.get(name).matches("[0-9a-f]{48}"), name + " generated: " + generated.get(name));
        }
        Tools.Result ok = check(generated);
        assertEquals(0, ok.exitCode(), ok.describe());

        String victim = "CHAT_DB_PASSWORD";
        Map<String, String> weak = new LinkedHashMap<>();
        weak.put("REPLACE_ME", "still a placeholder");
        weak.put("change-me-postgres", "still a placeholder");
        weak.put("", "is empty");
        weak.put("minioadmin", "well-known default");
        weak.put("abcdef0123", "shorter than 16");
        weak.put("0123456789abcdef\"x", "may only contain");
        weak.put(generated.get("AUTH_DB_PASSWORD"), "the same as AUTH_DB_PASSWORD");
        weak.forEach((value, reason) -> {
            Map<String, String> values = new HashMap<>(generated);
            values.put(victim, value);
            Tools.Result r = check(values);
            assertEquals(1, r.exitCode(), "'" + value + "' must be refused: " + r.describe());
            assertTrue(r.stderr().contains(victim) && r.stderr().contains(reason), r.stderr());
        });
        // an optional secret may be empty, but never a placeholder
        Map<String, String> optional = new HashMap<>(generated);
        optional.put("AUTH_WEB_CLIENT_SECRET", "REPLACE_ME");
        assertEquals(1, check(optional).exitCode());
    }

    @Test
    void theGeneratorNeverOverwritesAnExistingFile() throws IOException {
        Path target = Repo.path("deploy-tests/target/existing.env");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "KEEP=1\n");
        var result = Tools.run(Repo.root(), "bash", "deploy/compose/generate-env.sh", target.toString());
        assertEquals(1, result.exitCode(), result.describe());
        assertEquals("KEEP=1\n", Files.readString(target));
    }

    static Map<String, String> generatedEnv() throws IOException {
        Path target = Repo.path("deploy-tests/target/generated.env");
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        var result = Tools.run(Repo.root(), "bash", "deploy/compose/generate-env.sh", target.toString());
        assertEquals(0, result.exitCode(), result.describe());
        return ComposeTest.dotEnv(Files.readString(target));
    }

    // --- ports -----------------------------------------------------------------------------------

    @Test
    void onlyTheGatewayIsPublishedAndTheDebugOverrideBindsLoopbackOnly() throws IOException {
        Set<String> published = new TreeSet<>();
        resolved(".env.example").forEach((name, s) -> {
            Map<String, Object> service = Yamls.map(s);
            if (service.get("ports") != null || "host".equals(service.get("network_mode"))) {
                published.add(name);
            }
        });
        assertEquals(Set.of("gateway"), published, "PostgreSQL, Kafka, MinIO and Redis stay inside the compose network");

        String override = "deploy/compose/docker-compose.debug.yml";
        resolved(".env.example", override); // a valid override
        Map<String, Object> debug = Yamls.mapOrEmpty(Yamls.map(new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Repo.read(override))), "services");
        assertEquals(Set.of("postgres", "kafka", "minio", "redis"), debug.keySet());
        debug.forEach((name, s) -> {
            for (Object port : Yamls.list(Yamls.map(s), "ports")) {
                assertTrue(String.valueOf(port).startsWith("127.0.0.1:"), name + " " + port + " must bind 127.0.0.1 only");
            }
        });
    }

    // --- PostgreSQL ------------------------------------------------------------------------------

    @Test
    void eachServiceLogsInAsItsOwnRoleNeverAsTheSuperuser() {
        String superuser = String.valueOf(env("postgres").get("POSTGRES_USER"));
        assertEquals("${POSTGRES_USER:-postgres}", superuser);
        String script = Repo.read("deploy/compose/postgres/init-databases.sh");
        Map<String, String> passwordOf = new TreeMap<>();
        for (var workload : Repo.WORKLOADS.entrySet()) {
            String db = Repo.DATABASES.get(workload.getValue());
            if (db == null) {
                assertTrue(!env(workload.getKey()).containsKey("DB_USER"), workload.getKey() + " has no database");
                continue;
            }
            Map<String, Object> e = env(workload.getKey());
            assertEquals(db, e.get("DB_USER"), workload.getKey() + " logs in as the role owning its database");
            assertNotEquals("postgres", e.get("DB_USER"));
            Matcher m = Pattern.compile("\\$\\{([A-Z_]+_DB_PASSWORD):\\?[^}]*}").matcher(String.valueOf(e.get("DB_PASSWORD")));
            assertTrue(m.matches(), workload.getKey() + " DB_PASSWORD: " + e.get("DB_PASSWORD"));
            String variable = m.group(1);
            String before = passwordOf.putIfAbsent(db, variable);
            assertTrue(before == null || before.equals(variable), db + ": one password for its role");
            assertNotNull(env("postgres").get(variable), "the postgres container gets " + variable + " for the init script");
            assertTrue(script.contains("service_database " + db + " \"${" + variable + ":?}\""), "init script creates " + db + " with " + variable);
        }
        assertEquals(passwordOf.size(), new TreeSet<>(passwordOf.values()).size(), "a password per role: " + passwordOf);
    }

    // --- Kafka -----------------------------------------------------------------------------------

    /** The broker's server.properties as deploy/compose/kafka/start-kafka.sh writes it. */
    static Map<String, String> brokerProperties() {
        String script = Repo.read("deploy/compose/kafka/start-kafka.sh");
        int start = script.indexOf("cat > \"$CONF\" <<PROPS\n");
        assertTrue(start >= 0, "start-kafka.sh writes server.properties");
        String body = script.substring(script.indexOf('\n', start) + 1, script.indexOf("\nPROPS\n", start));
        Map<String, String> props = new TreeMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            props.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return props;
    }

    @Test
    void theBrokerAuthenticatesEveryClientAndAllowsOnlyWhatAnAclAllows() {
        Map<String, String> p = brokerProperties();
        Map<String, String> protocols = new TreeMap<>();
        for (String entry : p.get("listener.security.protocol.map").split(",")) {
            protocols.put(entry.split(":")[0], entry.split(":")[1]);
        }
        for (String listener : p.get("listeners").split(",")) {
            String name = listener.substring(0, listener.indexOf(':'));
            String protocol = protocols.getOrDefault(name, name);
            if (name.equals(p.get("controller.listener.names"))) {
                assertTrue(listener.startsWith(name + "://127.0.0.1:"), "the plaintext controller listener is loopback only: " + listener);
            } else {
                assertTrue(protocol.startsWith("SASL_"), listener + " must authenticate (" + protocol + ")");
            }
        }
        assertEquals("SCRAM-SHA-512", p.get("sasl.enabled.mechanisms"));
        assertEquals("org.apache.kafka.metadata.authorizer.StandardAuthorizer", p.get("authorizer.class.name"));
        assertEquals("false", p.get("allow.everyone.if.no.acl.found"));
        assertEquals("User:admin;User:ANONYMOUS", p.get("super.users"), "the admin, and the broker on its loopback controller listener");
        assertTrue(!Yamls.map(services.get("kafka")).containsKey("ports"), "Kafka is not published");
    }

    @Test
    void eachWorkloadLogsInToKafkaAsItsOwnScramUser() {
        Set<String> passwords = new TreeSet<>();
        for (String workload : Repo.WORKLOADS.keySet()) {
            Map<String, Object> e = env(workload);
            assertEquals("SASL_PLAINTEXT", e.get("KAFKA_SECURITY_PROTOCOL"), workload);
            assertEquals("SCRAM-SHA-512", e.get("KAFKA_SASL_MECHANISM"), workload);
            assertEquals(workload, e.get("KAFKA_USERNAME"), workload);
            String variable = workload.toUpperCase().replace('-', '_') + "_KAFKA_PASSWORD";
            assertTrue(String.valueOf(e.get("KAFKA_PASSWORD")).startsWith("${" + variable + ":?"), workload + " KAFKA_PASSWORD");
            assertTrue(passwords.add(variable));
            assertNotNull(env("kafka-init").get(variable), "kafka-init creates the user " + workload);
        }
    }
}
