package dev.companion.deploy;

import java.util.List;
import java.util.Map;

/** Dotted-path access into parsed YAML (maps and lists of SnakeYAML). */
final class Yamls {

    private Yamls() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        if (!(node instanceof Map<?, ?>)) {
            throw new AssertionError("expected a mapping, got " + node);
        }
        return (Map<String, Object>) node;
    }

    static Object at(Map<String, Object> root, String path) {
        Object node = root;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(part);
        }
        return node;
    }

    static String str(Map<String, Object> root, String path) {
        Object value = at(root, path);
        return value == null ? null : value.toString();
    }

    static Map<String, Object> mapOrEmpty(Map<String, Object> root, String path) {
        Object value = at(root, path);
        return value == null ? Map.of() : map(value);
    }

    static List<Object> list(Map<String, Object> root, String path) {
        Object value = at(root, path);
        if (!(value instanceof List<?>)) {
            throw new AssertionError("expected a list at " + path + ", got " + value);
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) value;
        return list;
    }

    static List<Object> listOrEmpty(Map<String, Object> root, String path) {
        return at(root, path) == null ? List.of() : list(root, path);
    }
}
