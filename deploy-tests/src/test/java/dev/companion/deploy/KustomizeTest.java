package dev.companion.deploy;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * k8s/: kustomize renders the base and every overlay offline, every object validates against the
 * Kubernetes schemas (unknown fields included), and the rendered objects keep the rules of the
 * deployment: strict security contexts, probes on /q/health, resources, budgets, the WebSocket
 * Ingress, Redis-backed rate limits for several gateways, lag-based image workers capped by
 * partitions, operator-managed Kafka (KRaft) and PostgreSQL matching the services' settings.
 */
class KustomizeTest {

    /** Operator resources without a published schema package; checked structurally below instead. */
    private static final List<String> NO_SCHEMA = List.of(
            "kafka.strimzi.io/v1beta2/Kafka", "kafka.strimzi.io/v1beta2/KafkaNodePool", "kafka.strimzi.io/v1beta2/KafkaTopic",
            "kafka.strimzi.io/v1beta2/KafkaUser", "postgresql.cnpg.io/v1/Cluster", "postgresql.cnpg.io/v1/Database");

    private static final List<String> RENDERED = List.of("base", "overlays/dev", "overlays/prod");

    private static Stream<DynamicTest> each(String name, java.util.function.Consumer<Manifests> check) {
        return RENDERED.stream().map(dir -> DynamicTest.dynamicTest(name + " " + dir, () -> check.accept(Manifests.render(dir))));
    }

    @TestFactory
    Stream<DynamicTest> everyObjectValidatesAgainstTheKubernetesSchemas() {
        return each("schemas", manifests -> {
            List<String> command = new ArrayList<>(List.of(Tools.node().toString(), "src/test/node/validate-k8s.mjs"));
            NO_SCHEMA.forEach(kind -> command.add("--no-schema=" + kind));
            var result = Tools.run(command, Repo.path("deploy-tests"), manifests.yaml(), Map.of());
            assertEquals(0, result.exitCode(), "schema validation of " + manifests.dir() + ":\n" + result.describe());
            assertFalse(result.stdout().contains("ERROR"), result.stdout());
        });
    }

    @Test
    void theSchemaValidatorRejectsWrongTypesUnknownFieldsAndUnknownKinds() {
        String bad = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: bad}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i:1
                          readinesProbe: {httpGet: {path: /q/health/ready, port: 8080}}
                          ports: [{containerPort: "8080"}]
                ---
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                """;
        var result = Tools.run(List.of(Tools.node().toString(), "src/test/node/validate-k8s.mjs"),
                Repo.path("deploy-tests"), bad, Map.of());
        assertEquals(1, result.exitCode(), result.describe());
        assertTrue(result.stdout().contains("containerPort must be integer"), result.stdout());
        assertTrue(result.stdout().contains("unknown field(s): .spec.template.spec.containers[0].readinesProbe"), result.stdout());
        assertTrue(result.stdout().contains("no schema for example.com/v1 Widget"), result.stdout());
    }

    @TestFactory
    Stream<DynamicTest> everyPodRunsNonRootReadOnlyWithoutCapabilitiesAndWithinLimits() {
        return each("securityContext", manifests -> {
            List<String> problems = new ArrayList<>();
            for (String kind : List.of("Deployment", "StatefulSet", "Job")) {
                for (Map<String, Object> workload : manifests.ofKind(kind)) {
                    String id = kind + " " + Yamls.str(workload, "metadata.name");
                    Map<String, Object> pod = Yamls.mapOrEmpty(workload, "spec.template.spec");
                    if (!Boolean.TRUE.equals(Yamls.at(pod, "securityContext.runAsNonRoot"))) problems.add(id + ": pod runAsNonRoot");
                    if (!"RuntimeDefault".equals(Yamls.str(pod, "securityContext.seccompProfile.type"))) problems.add(id + ": seccomp");
                    if (!Boolean.FALSE.equals(pod.get("automountServiceAccountToken"))) problems.add(id + ": automountServiceAccountToken");
                    for (Object c : Yamls.list(pod, "containers")) {
                        Map<String, Object> container = Yamls.map(c);
                        String cid = id + "/" + container.get("name");
                        if (!Boolean.FALSE.equals(Yamls.at(container, "securityContext.allowPrivilegeEscalation"))) problems.add(cid + ": allowPrivilegeEscalation");
                        if (!Boolean.TRUE.equals(Yamls.at(container, "securityContext.readOnlyRootFilesystem"))) problems.add(cid + ": readOnlyRootFilesystem");
                        if (!List.of("ALL").equals(Yamls.at(container, "securityContext.capabilities.drop"))) problems.add(cid + ": capabilities drop ALL");
                        for (String r : List.of("requests.cpu", "requests.memory", "limits.memory")) {
                            if (Yamls.at(Yamls.mapOrEmpty(container, "resources"), r) == null) problems.add(cid + ": resources." + r);
                        }
                        String image = String.valueOf(container.get("image"));
                        if (!image.matches(".+:([0-9]|RELEASE\\.)[\\w.-]*")) problems.add(cid + ": image not pinned: " + image);
                    }
                }
            }
            if (!problems.isEmpty()) fail(String.join("\n", problems));
        });
    }

    @TestFactory
    Stream<DynamicTest> everyServiceHasProbesOnQuarkusHealthAServiceAccountAndAService() {
        return each("services", manifests -> {
            for (var workload : Repo.WORKLOADS.entrySet()) {
                String name = workload.getKey();
                Map<String, Object> deployment = manifests.get("Deployment", name);
                Map<String, Object> container = Yamls.map(Yamls.list(deployment, "spec.template.spec.containers").get(0));
                int port = Repo.SERVICES.get(workload.getValue());
                assertEquals(port, Yamls.at(Yamls.map(Yamls.list(container, "ports").get(0)), "containerPort"), name);
                assertEquals("/q/health/started", Yamls.str(container, "startupProbe.httpGet.path"), name);
                assertEquals("/q/health/live", Yamls.str(container, "livenessProbe.httpGet.path"), name);
                assertEquals("/q/health/ready", Yamls.str(container, "readinessProbe.httpGet.path"), name);
                String sa = Yamls.str(deployment, "spec.template.spec.serviceAccountName");
                assertEquals(name, sa, name + " own ServiceAccount");
                manifests.get("ServiceAccount", sa);
                assertTrue(String.valueOf(container.get("image")).contains("companion/" + workload.getValue() + ":"), name + " image");
                Map<String, Object> selector = Yamls.mapOrEmpty(deployment, "spec.selector.matchLabels");
                if (!name.equals("image-worker")) {
                    Map<String, Object> service = manifests.get("Service", name);
                    assertEquals(selector, Yamls.mapOrEmpty(service, "spec.selector"), name + " Service selects its pods");
                }
                if (!manifests.dir().equals("overlays/dev")) {
                    manifests.get("PodDisruptionBudget", name);
                }
            }
            // every ConfigMap / Secret a pod refers to is part of the rendering (or the pod never starts)
            for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
                Map<String, Object> container = Yamls.map(Yamls.list(deployment, "spec.template.spec.containers").get(0));
                for (Object e : Yamls.listOrEmpty(container, "env")) {
                    String secret = Yamls.str(Yamls.map(e), "valueFrom.secretKeyRef.name");
                    if (secret != null) {
                        Map<String, Object> s = manifests.secret(secret);
                        String key = Yamls.str(Yamls.map(e), "valueFrom.secretKeyRef.key");
                        assertTrue(Yamls.mapOrEmpty(s, "stringData").containsKey(key) || Yamls.mapOrEmpty(s, "data").containsKey(key),
                                secret + " has no key " + key);
                    }
                }
                manifests.environment(deployment); // resolves every envFrom reference
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> onlyTheGatewayIsExposedThroughAnIngressThatCarriesWebSockets() {
        return each("ingress", manifests -> {
            Map<String, Object> ingress = manifests.get("Ingress", "gateway");
            List<Map<String, Object>> paths = Yamls.list(Yamls.map(Yamls.list(ingress, "spec.rules").get(0)), "http.paths").stream()
                    .map(Yamls::map).toList();
            for (Map<String, Object> path : paths) {
                assertEquals("gateway", Yamls.str(path, "backend.service.name"));
            }
            // the API, its WebSocket and the JWKS are routed; Quarkus' /q/* (metrics, OpenAPI, health) and /docs never
            for (String url : List.of("/v1/projects", "/v1/ws", "/v1/health", "/.well-known/jwks.json")) {
                assertTrue(paths.stream().anyMatch(p -> routes(p, url)), url + " must reach the gateway");
            }
            for (String url : List.of("/q/metrics", "/q/openapi", "/q/health/ready", "/q/swagger-ui/", "/q/dev-ui", "/docs/openapi/chat", "/")) {
                for (Map<String, Object> p : paths) {
                    assertTrue(!routes(p, url), manifests.dir() + ": the Ingress routes " + url + " (path " + p.get("path") + ")");
                }
            }
            Map<String, Object> annotations = Yamls.mapOrEmpty(ingress, "metadata.annotations");
            assertTrue(!annotations.containsKey("nginx.ingress.kubernetes.io/use-regex")
                    && !annotations.containsKey("nginx.ingress.kubernetes.io/rewrite-target"), "paths are plain prefixes, never rewritten");
            int timeout = Integer.parseInt(String.valueOf(Yamls.mapOrEmpty(ingress, "metadata.annotations").get("nginx.ingress.kubernetes.io/proxy-read-timeout")));
            assertTrue(timeout >= 3600, "idle WebSockets need a long proxy read timeout");
            for (Map<String, Object> other : manifests.ofKind("Ingress")) {
                String backend = Yamls.str(Yamls.map(Yamls.list(Yamls.map(Yamls.list(other, "spec.rules").get(0)), "http.paths").get(0)), "backend.service.name");
                assertTrue(Set.of("gateway", "minio").contains(backend), "only the gateway (and presigned S3 URLs) are public: " + backend);
            }
            for (Map<String, Object> service : manifests.ofKind("Service")) {
                assertTrue(service.get("spec") == null || !"LoadBalancer".equals(Yamls.str(service, "spec.type")), "no LoadBalancer Services");
            }
        });
    }

    /** Whether an Ingress path (Prefix: element-wise prefix; Exact) sends {@code url} to its backend. */
    static boolean routes(Map<String, Object> path, String url) {
        String p = String.valueOf(path.get("path"));
        String type = String.valueOf(path.get("pathType"));
        if (type.equals("Exact")) {
            return p.equals(url);
        }
        assertEquals("Prefix", type, "ImplementationSpecific paths are regular expressions to ingress-nginx: use Prefix or Exact");
        String prefix = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        return prefix.isEmpty() || url.equals(prefix) || url.startsWith(prefix + "/");
    }

    @TestFactory
    Stream<DynamicTest> forwardedHeadersAreTrustedOnlyFromListedProxies() {
        return each("trusted proxies", manifests -> {
            Map<String, Object> gateway = manifests.get("Deployment", "gateway");
            if ("true".equals(manifests.plainValue(gateway, "TRUST_FORWARDED_HEADERS").orElse("false"))) {
                assertExplicitProxies(manifests.dir(), manifests.plainValue(gateway, "TRUSTED_PROXIES").orElse(""));
            }
        });
    }

    @Test
    void theGatewaysDefaultTrustsOnlyLoopback() {
        assertExplicitProxies("gateway application.properties", Repo.config("gateway").references().get("TRUSTED_PROXIES"));
    }

    /** A list of IPs / CIDRs, none a wildcard (0.0.0.0/0, ::/0, *, a /0-/7 range) and not empty. */
    static void assertExplicitProxies(String where, String value) {
        assertTrue(value != null && !value.isBlank(), where + ": TRUST_FORWARDED_HEADERS=true needs TRUSTED_PROXIES, or any peer may forge X-Forwarded-For");
        for (String entry : value.split(",")) {
            String e = entry.trim();
            boolean v4 = e.matches("(\\d{1,3}\\.){3}\\d{1,3}(/\\d{1,2})?");
            boolean v6 = e.matches("[0-9a-fA-F:]+(/\\d{1,3})?") && e.contains(":");
            assertTrue(v4 || v6, where + ": trusted proxy " + e + " is not an IP or CIDR");
            if (e.contains("/")) {
                int bits = Integer.parseInt(e.substring(e.indexOf('/') + 1));
                assertTrue(bits >= 8, where + ": trusted proxy range " + e + " is (almost) everyone");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> networkPoliciesAdmitOutsideTrafficOnlyToTheGateway() {
        return each("network policies", manifests -> {
            for (String workload : Repo.WORKLOADS.keySet()) {
                List<Map<String, Object>> selecting = manifests.ofKind("NetworkPolicy").stream()
                        .filter(p -> selects(Yamls.mapOrEmpty(p, "spec.podSelector"), workload)).toList();
                assertEquals(1, selecting.size(), workload + " is selected by exactly one NetworkPolicy");
                boolean fromIngressController = Yamls.listOrEmpty(selecting.get(0), "spec.ingress").stream()
                        .flatMap(rule -> Yamls.listOrEmpty(Yamls.map(rule), "from").stream())
                        .anyMatch(peer -> "ingress-nginx".equals(Yamls.mapOrEmpty(Yamls.map(peer), "namespaceSelector.matchLabels")
                                .get("kubernetes.io/metadata.name")));
                assertEquals(workload.equals("gateway"), fromIngressController, workload + " reachable from the ingress controller");
            }
        });
    }

    private static boolean selects(Map<String, Object> selector, String workload) {
        if (workload.equals(Yamls.mapOrEmpty(selector, "matchLabels").get("app.kubernetes.io/name"))) {
            return true;
        }
        return Yamls.listOrEmpty(selector, "matchExpressions").stream().map(Yamls::map)
                .anyMatch(e -> "app.kubernetes.io/name".equals(e.get("key")) && "In".equals(e.get("operator"))
                        && Yamls.list(e, "values").contains(workload));
    }

    @TestFactory
    Stream<DynamicTest> severalGatewaysShareRateLimitsInRedis() {
        return each("gateway rate limits", manifests -> {
            Map<String, Object> gateway = manifests.get("Deployment", "gateway");
            Object declared = Yamls.at(gateway, "spec.replicas");
            int replicas = declared == null ? 1 : ((Number) declared).intValue();
            int max = manifests.find("HorizontalPodAutoscaler", "gateway")
                    .map(h -> ((Number) Yamls.at(h, "spec.maxReplicas")).intValue()).orElse(replicas);
            String store = manifests.plainValue(gateway, "RATE_LIMIT_STORE").orElse("memory");
            if (Math.max(replicas, max) > 1) {
                assertEquals("redis", store, manifests.dir() + ": " + Math.max(replicas, max) + " gateways need the Redis rate-limit store");
            }
            if ("redis".equals(store)) {
                assertTrue(manifests.environment(gateway).contains("REDIS_URL"));
            }
        });
    }

    @Test
    void theDevOverlayRunsOneGatewayWithInMemoryLimitsAndProdAutoscalesOnRedis() {
        Manifests dev = Manifests.render("overlays/dev");
        assertEquals(1, Yamls.at(dev.get("Deployment", "gateway"), "spec.replicas"));
        assertTrue(dev.find("HorizontalPodAutoscaler", "gateway").isEmpty());
        Manifests prod = Manifests.render("overlays/prod");
        assertTrue(((Number) Yamls.at(prod.get("HorizontalPodAutoscaler", "gateway"), "spec.minReplicas")).intValue() > 1);
        assertEquals("redis", prod.plainValue(prod.get("Deployment", "gateway"), "RATE_LIMIT_STORE").orElseThrow());
    }

    @TestFactory
    Stream<DynamicTest> imageWorkersScaleUpToThePartitionsOfImageJobs() {
        return each("image workers", manifests -> {
            int partitions = LocalStackTopics.read().get("image.jobs");
            List<Map<String, Object>> hpas = manifests.ofKind("HorizontalPodAutoscaler").stream()
                    .filter(h -> "image-worker".equals(Yamls.str(h, "spec.scaleTargetRef.name"))).toList();
            var scaled = manifests.find("ScaledObject", "image-worker");
            if (scaled.isPresent()) {
                Map<String, Object> so = scaled.get();
                assertTrue(hpas.isEmpty(), "KEDA owns the worker HPA: no second autoscaler on image-worker");
                assertEquals("image-worker", Yamls.str(so, "spec.scaleTargetRef.name"));
                assertTrue(((Number) Yamls.at(so, "spec.maxReplicaCount")).intValue() <= partitions, "at most one worker per partition");
                assertNotNull(Yamls.at(so, "spec.fallback.replicas"), "fallback while the lag cannot be read");
                Map<String, Object> trigger = Yamls.map(Yamls.list(so, "spec.triggers").get(0));
                assertEquals("kafka", trigger.get("type"));
                assertEquals(imageWorkerGroup(), Yamls.str(trigger, "metadata.consumerGroup"), "the workers' consumer group");
                assertEquals("image.jobs", Yamls.str(trigger, "metadata.topic"));
                // KEDA runs in its own namespace: the workers' (short) bootstrap address, qualified
                Map<String, Object> worker = manifests.get("Deployment", "image-worker");
                String workers = manifests.plainValue(worker, "KAFKA_BOOTSTRAP_SERVERS").orElseThrow();
                String namespace = Yamls.str(worker, "metadata.namespace");
                String host = workers.substring(0, workers.lastIndexOf(':'));
                String expected = (host.contains(".") ? host : host + "." + namespace + ".svc") + workers.substring(workers.lastIndexOf(':'));
                assertEquals(expected, Yamls.str(trigger, "metadata.bootstrapServers"), "KEDA reads the lag from the workers' Kafka");
            } else {
                assertEquals(1, hpas.size(), "the CPU-based fallback HPA scales the workers without KEDA");
                assertTrue(((Number) Yamls.at(hpas.get(0), "spec.maxReplicas")).intValue() <= partitions, "at most one worker per partition");
            }
        });
    }

    @Test
    void theDevMinioJobCreatesTheBucketsTheServicesUse() {
        Manifests dev = Manifests.render("overlays/dev");
        String script = String.join("\n", Yamls.list(Yamls.map(Yamls.list(dev.get("Job", "minio-init"),
                "spec.template.spec.containers").get(0)), "args").stream().map(String::valueOf).toList());
        for (var workload : Repo.WORKLOADS.keySet()) {
            Map<String, Object> deployment = dev.get("Deployment", workload);
            for (String bucket : List.of("S3_IMAGES_BUCKET", "S3_DOWNLOADS_BUCKET")) {
                dev.plainValue(deployment, bucket).ifPresent(name ->
                        assertTrue(script.contains("mc mb --ignore-existing local/" + name), workload + ": bucket " + name + " not created"));
            }
        }
    }

    @Test
    void prodScalesImageWorkersWithKeda() {
        assertTrue(Manifests.render("overlays/prod").find("ScaledObject", "image-worker").isPresent());
    }

    @TestFactory
    Stream<DynamicTest> operatorManagedKafkaAndPostgresMatchTheServices() {
        return Stream.of("overlays/dev", "overlays/prod").map(dir -> DynamicTest.dynamicTest(dir, () -> {
            Manifests manifests = Manifests.render(dir);
            // Kafka: Strimzi in KRaft mode, topics as the local stack's, bootstrap as the services use
            Map<String, Object> kafka = manifests.ofKind("Kafka").get(0);
            Map<String, Object> annotations = Yamls.mapOrEmpty(kafka, "metadata.annotations");
            assertEquals("enabled", annotations.get("strimzi.io/kraft"));
            assertEquals("enabled", annotations.get("strimzi.io/node-pools"));
            assertTrue(manifests.ofKind("KafkaNodePool").stream().anyMatch(p ->
                    Yamls.list(p, "spec.roles").containsAll(List.of("controller", "broker"))), "a KRaft controller pool");
            Map<String, Integer> topics = new TreeMap<>();
            for (Map<String, Object> topic : manifests.ofKind("KafkaTopic")) {
                topics.put(Yamls.str(topic, "spec.topicName"), ((Number) Yamls.at(topic, "spec.partitions")).intValue());
            }
            assertEquals(LocalStackTopics.read(), topics);
            String bootstrap = Yamls.str(kafka, "metadata.name") + "-kafka-bootstrap:9092";
            Map<String, Object> cluster = manifests.ofKind("Cluster").get(0);
            String dbHost = Yamls.str(cluster, "metadata.name") + "-rw";
            Set<String> databases = new TreeSet<>();
            Map<String, String> owners = new TreeMap<>();
            for (Map<String, Object> db : manifests.ofKind("Database")) {
                databases.add(Yamls.str(db, "spec.name"));
                owners.put(Yamls.str(db, "spec.name"), Yamls.str(db, "spec.owner"));
            }
            Map<String, String> rolePasswords = new TreeMap<>();
            for (Object r : Yamls.list(cluster, "spec.managed.roles")) {
                rolePasswords.put(Yamls.str(Yamls.map(r), "name"), Yamls.str(Yamls.map(r), "passwordSecret.name"));
            }
            for (var workload : Repo.WORKLOADS.entrySet()) {
                Map<String, Object> deployment = manifests.get("Deployment", workload.getKey());
                assertEquals(bootstrap, manifests.plainValue(deployment, "KAFKA_BOOTSTRAP_SERVERS").orElse(null), workload.getKey());
                String db = Repo.DATABASES.get(workload.getValue());
                if (db == null) continue;
                assertEquals(db, manifests.plainValue(deployment, "DB_NAME").orElse(null));
                assertEquals(dbHost, manifests.plainValue(deployment, "DB_HOST").orElse(null));
                assertTrue(databases.contains(db), "no Database " + db);
                String secret = secretOf(deployment, "DB_PASSWORD");
                assertEquals(secret, rolePasswords.get(owners.get(db)), db + ": the role's password is the service's Secret");
                Map<String, Object> credentials = manifests.secret(secret);
                String user = Yamls.str(credentials, "stringData.username");
                if (user == null && Yamls.str(credentials, "data.username") != null) {
                    user = new String(java.util.Base64.getDecoder().decode(Yamls.str(credentials, "data.username")),
                            java.nio.charset.StandardCharsets.UTF_8);
                }
                assertEquals(owners.get(db), user, db + ": the service logs in as the owner");
            }
        }));
    }

    @Test
    void secretsInTheRepositoryAreTemplatesOnly() {
        List<Map<String, Object>> secrets = new ArrayList<>(Manifests.templates());
        for (Map<String, Object> secret : secrets) {
            String name = Yamls.str(secret, "metadata.name");
            assertTrue(Yamls.mapOrEmpty(secret, "data").isEmpty(), name + ": templates use stringData placeholders, never encoded values");
            Yamls.mapOrEmpty(secret, "stringData").forEach((key, value) -> {
                if (!key.equals("username") && !key.equals("MINIO_ROOT_USER")) {
                    String v = String.valueOf(value);
                    boolean placeholder = v.equals("REPLACE_ME") || v.isEmpty();
                    assertTrue(placeholder, name + "." + key + " must be a placeholder, not a value");
                }
            });
        }
        // and no rendering uses the templates: a placeholder must never become a live password
        for (String overlay : Repo.OVERLAYS) {
            String kustomization = Repo.read("k8s/overlays/" + overlay + "/kustomization.yaml");
            assertTrue(!kustomization.matches("(?s).*\\n\\s*- [./]*base/secrets\\s*\\n.*"), overlay + " renders the REPLACE_ME templates");
        }
    }

    /** Keys whose empty value means "not used" (a generated per-pod key, the offline providers). */
    private static final Set<String> MAY_BE_EMPTY = Set.of("signing-key.pem", "previous-public-keys.pem", "api-keys", "api-key");
    /** Keys that are names or addresses, not secrets. */
    private static final Set<String> NOT_SECRET = Set.of("username", "MINIO_ROOT_USER", "url", "accessKey");

    @TestFactory
    Stream<DynamicTest> noRenderingHoldsAPlaceholderOrAWeakSecret() {
        return each("placeholders", manifests -> {
            String lower = manifests.yaml().toLowerCase();
            for (String placeholder : List.of("replace_me", "change-me", "changeme")) {
                assertTrue(!lower.contains(placeholder), manifests.dir() + " contains the placeholder " + placeholder);
            }
            Set<String> seen = new TreeSet<>();
            for (Map<String, Object> secret : manifests.ofKind("Secret")) {
                String name = Yamls.str(secret, "metadata.name");
                Map<String, Object> values = new java.util.TreeMap<>(Yamls.mapOrEmpty(secret, "stringData"));
                Yamls.mapOrEmpty(secret, "data").forEach((k, v) -> values.put(k,
                        new String(java.util.Base64.getDecoder().decode(String.valueOf(v)), java.nio.charset.StandardCharsets.UTF_8)));
                values.forEach((key, value) -> {
                    String v = String.valueOf(value);
                    if (NOT_SECRET.contains(key) || (MAY_BE_EMPTY.contains(key) && v.isEmpty())) {
                        return;
                    }
                    assertTrue(v.length() >= 24, manifests.dir() + " " + name + "." + key + " is empty or short: not a generated secret");
                    assertTrue(seen.add(v), manifests.dir() + " " + name + "." + key + " reuses another Secret's value");
                });
            }
        });
    }

    @Test
    void devSecretsAreGeneratedOncePerCheckoutAndKept() throws Exception {
        java.nio.file.Path k8s = Manifests.underTest().resolve("k8s");
        java.nio.file.Path file = k8s.resolve("overlays/dev/secrets/chat-service-db.env");
        String before = java.nio.file.Files.readString(file);
        assertTrue(before.matches("(?s)username=companion_chat\npassword=[0-9a-f]{48}\n"), before);
        var again = Tools.run(Repo.root(), "bash", "deploy/generate-dev-secrets.sh", k8s.toString());
        assertEquals(0, again.exitCode(), again.describe());
        assertEquals(before, java.nio.file.Files.readString(file), "a database keeps the password it was created with");
        assertTrue(Repo.read(".gitignore").contains("k8s/overlays/dev/secrets/"), "generated secrets never reach git");
    }

    @TestFactory
    Stream<DynamicTest> databaseRolesHaveNoPrivilegesAndReachOnlyTheirOwnDatabase() {
        return Stream.of("overlays/dev", "overlays/prod").map(dir -> DynamicTest.dynamicTest(dir, () -> {
            Map<String, Object> cluster = Manifests.render(dir).ofKind("Cluster").get(0);
            Set<String> roles = new TreeSet<>();
            for (Object r : Yamls.list(cluster, "spec.managed.roles")) {
                Map<String, Object> role = Yamls.map(r);
                roles.add(Yamls.str(role, "name"));
                for (String privilege : List.of("superuser", "createdb", "createrole", "replication", "bypassrls")) {
                    assertEquals(Boolean.FALSE, role.get(privilege), role.get("name") + " " + privilege + " must be false");
                }
                assertTrue(!"postgres".equals(role.get("name")), "no service logs in as the superuser");
            }
            assertEquals(new TreeSet<>(Repo.DATABASES.values()), roles, "one role per service database");
            List<Object> hba = Yamls.list(cluster, "spec.postgresql.pg_hba");
            String[] own = String.valueOf(hba.get(0)).split("\\s+");
            String[] rest = String.valueOf(hba.get(1)).split("\\s+");
            assertEquals(List.of("host", "sameuser", "all", "scram-sha-256"), List.of(own[0], own[1], own[3], own[4]), "a role reaches the database of its own name");
            assertEquals(roles, new TreeSet<>(List.of(own[2].split(","))));
            assertEquals(List.of("host", "all", "all", "reject"), List.of(rest[0], rest[1], rest[3], rest[4]), "and no other");
            assertEquals(roles, new TreeSet<>(List.of(rest[2].split(","))));
        }));
    }

    @Test
    void prodRendersNoSecretSoApplyingItNeverOverwritesTheRealOnes() {
        assertEquals(List.of(), Manifests.render("overlays/prod").ofKind("Secret"));
        assertEquals(List.of(), Manifests.render("base").ofKind("Secret"));
    }

    /** The consumer group image-service's workers join (its application.properties). */
    private static String imageWorkerGroup() {
        java.util.Properties p = new java.util.Properties();
        try (var reader = java.nio.file.Files.newBufferedReader(Repo.path("image-service/src/main/resources/application.properties"))) {
            p.load(reader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p.getProperty("companion.image.worker.group-id", "image-workers");
    }

    private static String secretOf(Map<String, Object> deployment, String variable) {
        Map<String, Object> container = Yamls.map(Yamls.list(deployment, "spec.template.spec.containers").get(0));
        for (Object e : Yamls.listOrEmpty(container, "env")) {
            if (variable.equals(Yamls.str(Yamls.map(e), "name"))) {
                return Yamls.str(Yamls.map(e), "valueFrom.secretKeyRef.name");
            }
        }
        throw new AssertionError(variable + " does not come from a Secret");
    }
}
