package dev.companion.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Each service README's "Configuration" table against the service's {@code @ConfigMapping}s, read by
 * reflection from the compiled classes: every mapped property is in the table, every property the table
 * names under a mapping's prefix exists, and where a row names one property its default is the mapping's
 * {@code @WithDefault}. Table notation: {@code <name>} a map key, {@code [i]} a list index, {@code .*}
 * everything below, {@code {a,b}} alternatives, and further backticked names in the same cell
 * ({@code `a.b.c` / `d`}) siblings of the first.
 */
class ConfigMappingDocsTest {

    private static final List<String> MODULES = List.of("auth-service", "project-service", "chat-service",
            "image-service", "download-service", "gateway");

    /** One mapped property: its name with map keys as {@code <>} and list indexes as {@code []}, and its default. */
    record Leaf(String name, String defaultValue) {
    }

    @Test
    void everyServiceReadmeDocumentsItsMappedPropertiesWithTheirDefaults() {
        List<String> problems = new ArrayList<>();
        for (String module : MODULES) {
            Map<String, Leaf> leaves = new LinkedHashMap<>();
            Set<String> prefixes = new TreeSet<>();
            for (Class<?> mapping : mappings(module)) {
                String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
                prefixes.add(prefix);
                walk(mapping, prefix, leaves);
            }
            List<Row> rows = configurationTable(module);
            for (Leaf leaf : leaves.values()) {
                if (rows.stream().noneMatch(r -> r.covers(leaf.name()))) {
                    problems.add(module + "/README.md: `" + leaf.name() + "` is not in the configuration table");
                }
            }
            for (Row row : rows) {
                for (String named : row.properties()) {
                    boolean mapped = prefixes.stream().anyMatch(p -> named.startsWith(p + "."));
                    if (mapped && leaves.values().stream().noneMatch(l -> Row.matches(named, l.name()))) {
                        problems.add(module + "/README.md: `" + named + "` is in the table but no @ConfigMapping has it");
                    }
                }
                if (row.properties().size() == 1 && row.defaultValue() != null) {
                    Leaf leaf = leaves.get(row.properties().get(0));
                    if (leaf != null && leaf.defaultValue() != null && !leaf.defaultValue().equals(row.defaultValue())) {
                        problems.add(module + "/README.md: `" + leaf.name() + "` defaults to " + leaf.defaultValue()
                                + ", the table says " + row.defaultValue());
                    }
                }
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void theTableNotationIsReadAsDocumented() {
        Row row = Row.parse("`companion.chat.providers.<p>.connect-timeout` / `default-cooldown` / `max-attempts`", "10s / 30s / 3");
        assertEquals(List.of("companion.chat.providers.<>.connect-timeout", "companion.chat.providers.<>.default-cooldown",
                "companion.chat.providers.<>.max-attempts"), row.properties());
        assertEquals(List.of("gateway.upstreams.auth", "gateway.upstreams.chat"),
                Row.parse("`gateway.upstreams.{auth,chat}`", "x").properties());
        Row wildcard = Row.parse("`gateway.rate-limit.rules[i].*`", "seed table");
        assertFalse(wildcard.covers("gateway.rate-limit.window"));
        assertEquals(true, wildcard.covers("gateway.rate-limit.rules[].window"));
        assertEquals("5m", Row.parse("`a.b`", "`5m`").defaultValue());
        assertEquals(true, Row.matches("companion.image.models.\"dall-e-3\".provider", "companion.image.models.<>.provider"));
        assertEquals(List.of("companion.auth.login.account.free-failures", "companion.auth.login.account.base"),
                Row.parse("`companion.auth.login.account.free-failures` / `.base`", "").properties());
        assertEquals(List.of("companion.auth.issuer", "mp.jwt.verify.issuer"),
                Row.parse("`companion.auth.issuer` / `mp.jwt.verify.issuer`", "").properties());
    }

    // ------------------------------------------------------------------ the mappings

    /** The module's {@code @ConfigMapping} interfaces: found in its sources, loaded from its compiled classes. */
    private static List<Class<?>> mappings(String module) {
        Path sources = Repo.path(module + "/src/main/java");
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains("@ConfigMapping(")) {
                    String name = sources.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", "");
                    found.add(Class.forName(name, false, ConfigMappingDocsTest.class.getClassLoader()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(module + " is not on the test classpath: " + e.getMessage(), e);
        }
        assertFalse(found.isEmpty(), module + " has no @ConfigMapping");
        return found;
    }

    private static void walk(Class<?> group, String prefix, Map<String, Leaf> into) {
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() > 0 || m.isDefault() || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String path = m.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + (m.isAnnotationPresent(WithName.class) ? m.getAnnotation(WithName.class).value() : kebab(m.getName()));
            WithDefault d = m.getAnnotation(WithDefault.class);
            property(m.getGenericReturnType(), path, d == null ? null : d.value(), into);
        }
    }

    private static void property(Type type, String path, String defaultValue, Map<String, Leaf> into) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) {
                property(args[0], path, defaultValue, into);
                return;
            }
            if (Map.class.isAssignableFrom(raw)) {
                property(args[1], path + ".<>", defaultValue, into);
                return;
            }
            if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
                if (isGroup(args[0])) {
                    walk((Class<?>) args[0], path + "[]", into);
                } else {
                    into.put(path, new Leaf(path, defaultValue));
                }
                return;
            }
        }
        if (isGroup(type)) {
            walk((Class<?>) type, path, into);
        } else {
            into.put(path, new Leaf(path, defaultValue));
        }
    }

    /** A nested configuration group: an interface of ours, not a JDK type. */
    private static boolean isGroup(Type type) {
        return type instanceof Class<?> c && c.isInterface() && c.getName().startsWith("dev.companion.");
    }

    private static String kebab(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    // ------------------------------------------------------------------ the README tables

    /** One row of a configuration table: the properties it names (normalised) and its default cell. */
    record Row(List<String> properties, List<String> wildcards, String defaultValue) {

        private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

        static Row parse(String propertyCell, String defaultCell) {
            List<String> names = new ArrayList<>();
            List<String> wildcards = new ArrayList<>();
            String first = null;
            Matcher m = TICKED.matcher(propertyCell);
            while (m.find()) {
                String token = normalise(m.group(1).trim());
                String full;
                if (token.contains(".") && !token.startsWith(".")) {
                    full = token;
                    first = token;
                } else if (first != null) {
                    full = first.substring(0, first.lastIndexOf('.') + 1) + (token.startsWith(".") ? token.substring(1) : token);
                } else {
                    continue;
                }
                for (String expanded : braces(full)) {
                    if (expanded.endsWith(".*")) {
                        wildcards.add(expanded.substring(0, expanded.length() - 1));
                    } else {
                        names.add(expanded);
                    }
                }
            }
            String d = defaultCell == null ? "" : defaultCell.trim();
            if (d.startsWith("`") && d.endsWith("`") && d.indexOf('`', 1) == d.length() - 1) {
                d = d.substring(1, d.length() - 1);
            }
            boolean single = !d.isEmpty() && !d.contains(" ") && !d.contains("`") && !d.contains("/");
            return new Row(names, wildcards, single ? d : null);
        }

        private static String normalise(String name) {
            return name.replaceAll("<[^>]*>", "<>").replaceAll("\\[[^]]*]", "[]");
        }

        private static List<String> braces(String name) {
            Matcher b = Pattern.compile("\\{([^}]*)}").matcher(name);
            if (!b.find()) {
                return List.of(name);
            }
            List<String> out = new ArrayList<>();
            for (String alt : b.group(1).split(",")) {
                out.addAll(braces(name.substring(0, b.start()) + alt.trim() + name.substring(b.end())));
            }
            return out;
        }

        boolean covers(String leaf) {
            return properties.stream().anyMatch(p -> matches(p, leaf)) || wildcards.stream().anyMatch(leaf::startsWith);
        }

        /** Documented as the leaf is, or for one map key ({@code providers.openai.base-url}, {@code models."dall-e-3".provider}). */
        static boolean matches(String documented, String leaf) {
            if (documented.equals(leaf)) {
                return true;
            }
            String regex = Pattern.quote(leaf).replace("<>", "\\E(\"[^\"]*\"|[^.]+)\\Q");
            return documented.matches(regex);
        }
    }

    /** The table under the module README's "## Configuration" heading. */
    private static List<Row> configurationTable(String module) {
        String readme = Repo.read(module + "/README.md");
        int start = readme.indexOf("\n## Configuration");
        if (start < 0) {
            throw new AssertionError(module + "/README.md has no \"## Configuration\" section");
        }
        int end = readme.indexOf("\n## ", start + 1);
        List<String> lines = readme.substring(start, end < 0 ? readme.length() : end).lines()
                .filter(l -> l.startsWith("|")).toList();
        List<String> header = cells(lines.get(0));
        int property = header.indexOf("property");
        int defaults = header.indexOf("default");
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            List<String> c = cells(line);
            rows.add(Row.parse(c.get(property), defaults < 0 ? null : c.get(defaults)));
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.trim().substring(1, line.trim().length() - 1);
        List<String> out = new ArrayList<>();
        for (String c : inner.split("(?<!\\\\)\\|", -1)) {
            out.add(c.trim());
        }
        return out;
    }
}
