package dev.companion.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a service reads from the environment, from its application.properties: every
 * {@code ${VAR}} / {@code ${VAR:default}} reference (also nested in defaults) whose name is an
 * environment variable name, and the properties themselves, which Quarkus also takes from the
 * environment under their env-var form ({@code quarkus.http.port} ← {@code QUARKUS_HTTP_PORT}).
 * Only what applies in the prod profile counts (the profile of a packaged service).
 */
record ServiceConfig(TreeMap<String, String> references, Set<String> propertyEnvNames) {

    /** The variables a deployment must set: every referenced one (their defaults are for localhost). */
    Set<String> required() {
        return references.keySet();
    }

    /** Whether setting {@code name} has an effect on this service. */
    boolean reads(String name) {
        return references.containsKey(name) || propertyEnvNames.contains(name);
    }

    static ServiceConfig parse(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return parse(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ServiceConfig parse(String text) {
        return parse(new StringReader(text));
    }

    private static ServiceConfig parse(Reader reader) {
        Properties properties = new Properties();
        try {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TreeMap<String, String> references = new TreeMap<>();
        Set<String> envNames = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            String profile = key.startsWith("%") && key.indexOf('.') > 0 ? key.substring(1, key.indexOf('.')) : null;
            if (profile != null && !profile.equals("prod")) {
                continue; // %dev / %test settings never apply to a deployed container (prod profile)
            }
            String unprofiled = profile != null ? key.substring(key.indexOf('.') + 1) : key;
            envNames.add(envName(unprofiled));
            collectReferences(properties.getProperty(key), references);
        }
        return new ServiceConfig(references, envNames);
    }

    /** SmallRye Config's environment form of a property name. */
    static String envName(String property) {
        StringBuilder sb = new StringBuilder(property.length());
        for (char c : property.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    /**
     * Adds the names of the {@code ${NAME[:default]}} expressions in value, recursing into
     * defaults. Only environment-style names (upper case, digits, underscores) count: a
     * {@code ${quarkus.http.port}} reference is to another property, not to the environment.
     */
    static void collectReferences(String value, TreeMap<String, String> out) {
        int i = 0;
        while ((i = value.indexOf("${", i)) >= 0) {
            if (i > 0 && value.charAt(i - 1) == '\\') {
                i += 2;
                continue;
            }
            int end = matchingBrace(value, i + 2);
            if (end < 0) {
                return;
            }
            String expression = value.substring(i + 2, end);
            int colon = expression.indexOf(':');
            String name = colon >= 0 ? expression.substring(0, colon) : expression;
            String fallback = colon >= 0 ? expression.substring(colon + 1) : null;
            if (name.matches("[A-Z][A-Z0-9_]*")) {
                out.putIfAbsent(name, fallback);
            }
            if (fallback != null) {
                collectReferences(fallback, out);
            }
            i = end + 1;
        }
    }

    private static int matchingBrace(String value, int from) {
        int depth = 1;
        for (int j = from; j < value.length(); j++) {
            char c = value.charAt(j);
            if (c == '{' && j > 0 && value.charAt(j - 1) == '$') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return j;
            }
        }
        return -1;
    }
}
