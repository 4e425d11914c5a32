package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stack's one admin (the setup token works once per stack), shared by every IT that needs one. */
final class Admins {

    /** Given to auth-service by {@link SystemStack} as the operator's one-time admin setup token. */
    static final String SETUP_TOKEN = "system-tests-admin-setup-token-0123456789";

    private static Login.User admin;

    private Admins() {
    }

    /** The first caller of the setup token, then signed in again so its token carries the admin scope. */
    static synchronized Login.User of(ApiClient anonymous) {
        if (admin == null) {
            Login.User user = Login.newUser(anonymous, "stack-admin");
            ApiClient.Result setup = user.api().post("/v1/auth/admin-setup", Map.of("token", SETUP_TOKEN));
            assertEquals(200, setup.status(), setup.raw());
            JsonNode tokens = Login.browserLogin(anonymous, user.email(), Login.PASSWORD);
            String access = tokens.path("access_token").asText();
            admin = new Login.User(user.id(), user.email(), access, tokens.path("refresh_token").asText(), anonymous.withToken(access));
        }
        return admin;
    }
}
