package dev.companion.auth.rest;

import dev.companion.auth.service.AuthorizationRequest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever a client puts in state (echoed into the page) or a user types as email, it cannot break out of the attribute. */
class LoginPageEscapingTest {

    @Property(tries = 300)
    void stateAndEmailNeverInjectMarkup(@ForAll String state, @ForAll String email) {
        String html = LoginPage.form(new AuthorizationRequest("companion-extension", "https://x.chromiumapp.org/", true,
                "projects chats images", state, null, true), email, null);
        String escapedState = LoginPage.esc(state);
        assertTrue(html.contains("name=\"state\" value=\"" + escapedState + "\""));
        assertFalse(escapedState.contains("<") || escapedState.contains(">") || escapedState.contains("\"")
                || escapedState.contains("'"));
        assertFalse(LoginPage.esc(email).contains("\""));
    }
}
