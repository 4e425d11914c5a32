package dev.companion.deploy;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kafka's trust boundary (issue #16): every workload is its own Kafka user whose ACLs are exactly what its
 * service needs, derived from its application.properties (topics and groups of its channels, dead-letter
 * topics, the image workers' group) plus the topics it produces (docs/EVENTS.md) — nothing less (it would
 * fail) and nothing more (a forged event or a read of every chat). The same in compose (kafka-init's table)
 * and in Kubernetes (Strimzi KafkaUsers), with SASL/SCRAM on every listener.
 */
class KafkaAclTest {

    /** Topics each module produces (docs/EVENTS.md "producer"), besides its dead-letter topic. */
    private static final Map<String, List<String>> PRODUCES = Map.of(
            "auth-service", List.of("user.events"),
            "project-service", List.of("project.events"),
            "chat-service", List.of("chat.events", "chat.stream"),
            "image-service", List.of("image.jobs", "image.events"),
            "download-service", List.of("download.events"),
            "gateway", List.of());

    /** One permission: operation on a topic or group, by literal name or by name prefix. */
    record Acl(String operation, String type, String name, boolean prefix) implements Comparable<Acl> {
        boolean covers(Acl need) {
            return operation.equals(need.operation) && type.equals(need.type)
                    && (prefix ? need.name.startsWith(name) : !need.prefix && name.equals(need.name));
        }

        @Override
        public int compareTo(Acl o) {
            return toString().compareTo(o.toString());
        }
    }

    /** What a workload needs, from its module's application.properties (prod profile). */
    static Set<Acl> needs(String workload) {
        String module = Repo.WORKLOADS.get(workload);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Repo.path(module + "/src/main/resources/application.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Acl> needs = new TreeSet<>();
        String connectorGroup = p.getProperty("mp.messaging.connector.smallrye-kafka.group.id", p.getProperty("mp.messaging.kafka.group.id"));
        String connectorDlt = p.getProperty("mp.messaging.connector.smallrye-kafka.dead-letter-queue.topic");
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("mp.messaging.incoming.") || !key.endsWith(".connector")) {
                continue;
            }
            String channel = key.substring(0, key.length() - ".connector".length());
            needs.add(new Acl("Read", "topic", p.getProperty(channel + ".topic", channel.substring("mp.messaging.incoming.".length())), false));
            needs.add(group(p.getProperty(channel + ".group.id", connectorGroup)));
            String dlt = p.getProperty(channel + ".dead-letter-queue.topic", connectorDlt);
            if (dlt != null) {
                needs.add(new Acl("Write", "topic", dlt, false));
            }
        }
        for (String topic : PRODUCES.get(module)) {
            needs.add(new Acl("Write", "topic", topic, false));
        }
        String relay = p.getProperty("companion.agents.relay-topic");
        if (relay != null) {
            // chat-service's replica-to-replica agent relay: every replica writes and reads it, without a group
            needs.add(new Acl("Read", "topic", relay, false));
            needs.add(new Acl("Write", "topic", relay, false));
        }
        if (workload.equals("gateway")) {
            // the socket fan-out's own consumer (UserEventFanOut), not a Reactive Messaging channel
            for (String topic : p.getProperty("gateway.events.topics").split(",")) {
                needs.add(new Acl("Read", "topic", topic.trim(), false));
            }
            needs.add(group(p.getProperty("gateway.events.group-id")));
        }
        if (workload.equals("image-worker")) {
            needs.add(new Acl("Read", "topic", "image.jobs", false));
            needs.add(group(p.getProperty("companion.image.worker.group-id")));
            needs.add(new Acl("Write", "topic", p.getProperty("companion.image.worker.dead-letter-topic"), false));
        }
        return needs;
    }

    private static Acl group(String id) {
        assertTrue(id != null && !id.isBlank(), "a channel without a consumer group");
        int expression = id.indexOf("${");
        return expression >= 0 ? new Acl("Read", "group", id.substring(0, expression), true) : new Acl("Read", "group", id, false);
    }

    /** kafka-init's table (deploy/compose/kafka/create-topics.sh), per user. */
    static Map<String, Set<Acl>> composeAcls() {
        String script = Repo.read("deploy/compose/kafka/create-topics.sh");
        String table = script.substring(script.indexOf("<<'ACLS'\n") + "<<'ACLS'\n".length(), script.indexOf("\nACLS\n"));
        Map<String, Set<Acl>> acls = new TreeMap<>();
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            assertEquals(4, f.length, line);
            boolean prefix = f[2].equals("group-prefix");
            acls.computeIfAbsent(f[0], u -> new TreeSet<>()).add(new Acl(f[1], prefix ? "group" : f[2], f[3], prefix));
        }
        return acls;
    }

    /** The KafkaUsers' ACLs of a rendering, per user (Describe on a granted topic is implied and dropped). */
    static Map<String, Set<Acl>> strimziAcls(Manifests manifests, List<String> problems) {
        Map<String, Set<Acl>> acls = new TreeMap<>();
        for (Map<String, Object> user : manifests.ofKind("KafkaUser")) {
            String name = Yamls.str(user, "metadata.name");
            if (!"scram-sha-512".equals(Yamls.str(user, "spec.authentication.type"))) problems.add(name + ": not a SCRAM user");
            if (!"simple".equals(Yamls.str(user, "spec.authorization.type"))) problems.add(name + ": no simple authorization");
            Set<Acl> granted = acls.computeIfAbsent(name, u -> new TreeSet<>());
            for (Object a : Yamls.list(user, "spec.authorization.acls")) {
                Map<String, Object> acl = Yamls.map(a);
                String type = Yamls.str(acl, "resource.type");
                String patternType = String.valueOf(Yamls.mapOrEmpty(acl, "resource").getOrDefault("patternType", "literal"));
                for (Object op : Yamls.list(acl, "operations")) {
                    if (op.equals("Describe") && type.equals("topic")) continue;
                    granted.add(new Acl(String.valueOf(op), type, Yamls.str(acl, "resource.name"), patternType.equals("prefix")));
                }
            }
        }
        return acls;
    }

    private static List<String> compare(String where, Map<String, Set<Acl>> granted) {
        List<String> problems = new ArrayList<>();
        Set<String> users = new TreeSet<>(granted.keySet());
        users.removeAll(Repo.WORKLOADS.keySet());
        if (!users.isEmpty()) problems.add(where + ": users of no workload " + users);
        for (String workload : Repo.WORKLOADS.keySet()) {
            Set<Acl> has = granted.get(workload);
            if (has == null) {
                problems.add(where + ": no Kafka user " + workload);
                continue;
            }
            Set<Acl> needs = needs(workload);
            for (Acl need : needs) {
                if (has.stream().noneMatch(a -> a.covers(need))) problems.add(where + " " + workload + " lacks " + need);
            }
            for (Acl acl : has) {
                if (acl.name().equals("*") || acl.name().isEmpty() || acl.operation().equals("All")
                        || !Set.of("topic", "group").contains(acl.type())) {
                    problems.add(where + " " + workload + " has a wildcard or cluster-wide ACL " + acl);
                } else if (needs.stream().noneMatch(acl::covers)) {
                    problems.add(where + " " + workload + " has " + acl + " which it does not need");
                }
            }
        }
        return problems;
    }

    @Test
    void theDerivationSeesWhatTheServicesDo() {
        // a sanity check of the reader itself, against the architecture's own table
        assertTrue(needs("download-service").contains(new Acl("Read", "topic", "image.events", false)));
        assertTrue(needs("gateway").contains(new Acl("Read", "group", "gateway-", true)));
        assertTrue(needs("image-worker").contains(new Acl("Read", "group", "image-workers", false)));
        assertTrue(!needs("image-service").contains(new Acl("Read", "topic", "image.jobs", false)), "the API does not consume the jobs");
        assertTrue(needs("chat-service").contains(new Acl("Write", "topic", "chat-service.dlt", false)));
        assertTrue(needs("auth-service").contains(new Acl("Read", "group", "auth-service", false)));
    }

    @Test
    void composeGivesEachWorkloadExactlyItsAcls() {
        List<String> problems = compare("compose", composeAcls());
        if (!problems.isEmpty()) fail(String.join("\n", problems));
    }

    @TestFactory
    Stream<DynamicTest> strimziGivesEachWorkloadExactlyItsAclsAndAScramLogin() {
        return Repo.OVERLAYS.stream().map(overlay -> DynamicTest.dynamicTest("overlays/" + overlay, () -> {
            Manifests manifests = Manifests.render("overlays/" + overlay);
            List<String> problems = new ArrayList<>();
            Map<String, Object> kafka = manifests.ofKind("Kafka").get(0);
            if (!"simple".equals(Yamls.str(kafka, "spec.kafka.authorization.type"))) problems.add("Kafka: no simple authorization");
            for (Object l : Yamls.list(kafka, "spec.kafka.listeners")) {
                Map<String, Object> listener = Yamls.map(l);
                String auth = Yamls.str(listener, "authentication.type");
                if (!"scram-sha-512".equals(auth) && !"tls".equals(auth)) problems.add("listener " + listener.get("name") + " without authentication");
            }
            if (Yamls.at(kafka, "spec.entityOperator.userOperator") == null) problems.add("no User Operator: KafkaUsers would never get credentials");
            problems.addAll(compare(overlay, strimziAcls(manifests, problems)));
            for (String workload : Repo.WORKLOADS.keySet()) {
                Map<String, Object> deployment = manifests.get("Deployment", workload);
                if (!"SASL_PLAINTEXT".equals(manifests.plainValue(deployment, "KAFKA_SECURITY_PROTOCOL").orElse(null))
                        && !"SASL_SSL".equals(manifests.plainValue(deployment, "KAFKA_SECURITY_PROTOCOL").orElse(null))) {
                    problems.add(workload + ": Kafka without SASL");
                }
                if (!"SCRAM-SHA-512".equals(manifests.plainValue(deployment, "KAFKA_SASL_MECHANISM").orElse(null))) problems.add(workload + ": not SCRAM");
                if (!workload.equals(manifests.plainValue(deployment, "KAFKA_USERNAME").orElse(null))) problems.add(workload + ": KAFKA_USERNAME is not its own user");
                Map<String, Object> password = passwordRef(deployment);
                if (password == null || !workload.equals(password.get("name")) || !"password".equals(password.get("key"))) {
                    problems.add(workload + ": KAFKA_PASSWORD must come from its KafkaUser's Secret, not " + password);
                }
            }
            if (!problems.isEmpty()) fail(String.join("\n", problems));
        }));
    }

    @Test
    void kedaReadsTheLagAsTheWorkersOwnUser() {
        Manifests prod = Manifests.render("overlays/prod");
        Map<String, Object> trigger = Yamls.map(Yamls.list(prod.get("ScaledObject", "image-worker"), "spec.triggers").get(0));
        assertEquals("scram_sha512", Yamls.str(trigger, "metadata.sasl"), "the broker refuses unauthenticated clients, KEDA included");
        Map<String, Object> auth = prod.get("TriggerAuthentication", Yamls.str(trigger, "authenticationRef.name"));
        Map<String, String> params = new TreeMap<>();
        for (Object e : Yamls.list(auth, "spec.env")) {
            Map<String, Object> entry = Yamls.map(e);
            assertEquals("image-worker", entry.get("containerName"));
            params.put(String.valueOf(entry.get("parameter")), String.valueOf(entry.get("name")));
        }
        assertEquals(Map.of("username", "KAFKA_USERNAME", "password", "KAFKA_PASSWORD"), params);
        assertTrue(prod.environment(prod.get("Deployment", "image-worker")).containsAll(params.values()));
        // and the worker's ACLs cover what the lag needs: its group and image.jobs
        Set<Acl> worker = needs("image-worker");
        assertTrue(worker.contains(new Acl("Read", "group", Yamls.str(trigger, "metadata.consumerGroup"), false)));
        assertTrue(worker.contains(new Acl("Read", "topic", Yamls.str(trigger, "metadata.topic"), false)));
    }

    private static Map<String, Object> passwordRef(Map<String, Object> deployment) {
        Map<String, Object> container = Yamls.map(Yamls.list(deployment, "spec.template.spec.containers").get(0));
        for (Object e : Yamls.listOrEmpty(container, "env")) {
            if ("KAFKA_PASSWORD".equals(Yamls.str(Yamls.map(e), "name"))) {
                Object ref = Yamls.at(Yamls.map(e), "valueFrom.secretKeyRef");
                return ref == null ? null : Yamls.map(ref);
            }
        }
        return null;
    }
}
