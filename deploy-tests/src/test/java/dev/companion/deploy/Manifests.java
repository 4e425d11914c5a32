package dev.companion.deploy;

import org.junit.jupiter.api.Assertions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The objects `kubectl kustomize` renders for one kustomization directory under k8s/. */
record Manifests(String dir, String yaml, List<Map<String, Object>> objects) {

    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    private static volatile Path copy;

    /**
     * Renders k8s/{dir} once per test JVM (kubectl's kustomize works without a cluster), from a copy of
     * k8s/ in target/ whose dev Secrets deploy/generate-dev-secrets.sh generated, as a developer would:
     * the tests never write into the source tree and never see a developer's own generated secrets.
     */
    static Manifests render(String dir) {
        return RENDERED.computeIfAbsent(dir, d -> {
            var result = Tools.run(underTest(), Tools.kubectl().toString(), "kustomize", "k8s/" + d);
            Assertions.assertEquals(0, result.exitCode(), "kubectl kustomize k8s/" + d + " failed: " + result.describe());
            return new Manifests(d, result.stdout(), parseAll(result.stdout()));
        });
    }

    /** The directory holding the k8s/ copy under test (generated once per JVM). */
    static synchronized Path underTest() {
        if (copy == null) {
            try {
                Path target = Repo.path("deploy-tests/target/k8s-under-test");
                if (Files.exists(target)) {
                    try (var walk = Files.walk(target)) {
                        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                }
                Path source = Repo.path("k8s");
                try (var walk = Files.walk(source)) {
                    for (Path f : walk.toList()) {
                        Path rel = source.relativize(f);
                        if (rel.startsWith(Path.of("overlays", "dev", "secrets"))) {
                            continue; // a developer's generated secrets stay out of the test
                        }
                        Path to = target.resolve("k8s").resolve(rel.toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(f, to);
                        }
                    }
                }
                var generated = Tools.run(Repo.root(), "bash", "deploy/generate-dev-secrets.sh", target.resolve("k8s").toString());
                Assertions.assertEquals(0, generated.exitCode(), "deploy/generate-dev-secrets.sh: " + generated.describe());
                copy = target;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return copy;
    }

    static List<Map<String, Object>> parseAll(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc != null) {
                objects.add(Yamls.map(doc));
            }
        }
        return objects;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(Yamls.str(o, "metadata.name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(dir + ": no " + kind + " " + name));
    }

    /**
     * A Secret of the rendering or, for overlays that render none (prod: the real ones are created
     * beforehand), its template in k8s/base/secrets (or the MinIO component).
     */
    Map<String, Object> secret(String name) {
        return find("Secret", name).orElseGet(() -> templates().stream()
                .filter(o -> "Secret".equals(o.get("kind")) && name.equals(Yamls.str(o, "metadata.name")))
                .findFirst().or(() -> kafkaUserSecret(name))
                .orElseThrow(() -> new AssertionError(dir + ": no Secret, Secret template or KafkaUser " + name)));
    }

    /**
     * The Secret Strimzi's User Operator writes for a SCRAM KafkaUser (same name; keys password and
     * sasl.jaas.config), for a KafkaUser of the rendering or, where Kafka is not rendered (base), of the
     * Strimzi component.
     */
    Optional<Map<String, Object>> kafkaUserSecret(String name) {
        List<Map<String, Object>> users = new ArrayList<>(ofKind("KafkaUser"));
        if (users.isEmpty()) {
            users.addAll(parseAll(Repo.read("k8s/components/kafka-strimzi/users.yaml")));
        }
        return users.stream()
                .filter(u -> name.equals(Yamls.str(u, "metadata.name")) && "scram-sha-512".equals(Yamls.str(u, "spec.authentication.type")))
                .findFirst()
                .map(u -> Map.<String, Object>of("kind", "Secret", "metadata", Map.of("name", name),
                        "stringData", Map.of("password", "(generated by the User Operator)", "sasl.jaas.config", "(generated)")));
    }

    /** The Secret templates kept in the repository. */
    static List<Map<String, Object>> templates() {
        List<Map<String, Object>> all = new ArrayList<>(parseAll(Repo.read("k8s/base/secrets/secrets.yaml")));
        all.addAll(parseAll(Repo.read("k8s/components/minio/minio.yaml")).stream()
                .filter(o -> "Secret".equals(o.get("kind"))).toList());
        return all;
    }

    /** The ConfigMap whose generated name (with kustomize's hash suffix) is referenced as {@code name}. */
    Map<String, Object> configMap(String name) {
        return get("ConfigMap", name);
    }

    /**
     * Every environment variable the first container of a Deployment gets: its env entries plus
     * the keys of the ConfigMaps and Secrets it imports with envFrom.
     */
    Set<String> environment(Map<String, Object> deployment) {
        Map<String, Object> container = Yamls.map(Yamls.list(deployment, "spec.template.spec.containers").get(0));
        Set<String> names = new TreeSet<>();
        for (Object e : Yamls.listOrEmpty(container, "env")) {
            names.add(Objects.requireNonNull(Yamls.str(Yamls.map(e), "name")));
        }
        for (Object source : Yamls.listOrEmpty(container, "envFrom")) {
            Map<String, Object> from = Yamls.map(source);
            if (from.get("configMapRef") != null) {
                names.addAll(Yamls.mapOrEmpty(configMap(Yamls.str(from, "configMapRef.name")), "data").keySet());
            }
            if (from.get("secretRef") != null) {
                Map<String, Object> secret = secret(Yamls.str(from, "secretRef.name"));
                names.addAll(Yamls.mapOrEmpty(secret, "data").keySet());
                names.addAll(Yamls.mapOrEmpty(secret, "stringData").keySet());
            }
        }
        return names;
    }

    /** The value a Deployment's container sees for {@code name} when it comes from a ConfigMap or a literal. */
    Optional<String> plainValue(Map<String, Object> deployment, String name) {
        Map<String, Object> container = Yamls.map(Yamls.list(deployment, "spec.template.spec.containers").get(0));
        for (Object e : Yamls.listOrEmpty(container, "env")) {
            Map<String, Object> entry = Yamls.map(e);
            if (name.equals(entry.get("name")) && entry.get("value") != null) {
                return Optional.of(entry.get("value").toString());
            }
        }
        for (Object source : Yamls.listOrEmpty(container, "envFrom")) {
            Map<String, Object> from = Yamls.map(source);
            if (from.get("configMapRef") != null) {
                Object value = Yamls.mapOrEmpty(configMap(Yamls.str(from, "configMapRef.name")), "data").get(name);
                if (value != null) {
                    return Optional.of(value.toString());
                }
            }
        }
        return Optional.empty();
    }
}
