package dev.companion.project.service;

import dev.companion.common.api.ApiException;

/** Query-string values checked by hand, so a malformed one is a 400 naming the parameter (not a 404 from JAX-RS). */
final class QueryParams {

    private QueryParams() {
    }

    static Integer integer(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.validation(name, "type", "integer", name + " must be an integer");
        }
    }

    /** {@code asc} → true, {@code desc} or absent → false. */
    static boolean order(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("desc")) {
            return false;
        }
        if (value.equalsIgnoreCase("asc")) {
            return true;
        }
        throw ApiException.validation("order", "oneOf", java.util.List.of("asc", "desc"), "order must be asc or desc");
    }

    static boolean bool(String name, String value, boolean absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw ApiException.validation(name, "type", "boolean", name + " must be true or false");
    }
}
