package dev.companion.auth;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18 item 3: an admin sets a user's plan ({@code PUT /v1/admin/users/{id}/plan}); audited; the
 * user's next access token (refresh or login) carries it in the {@code plan} claim the gateway's rate
 * limits multiply by.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class AdminPlanTest {

    private static String plan(String token) throws Exception {
        return BrowserFlowTest.decode(token, 1).get("plan").asText();
    }

    @Test
    void anAdminSetsThePlanAndTheNextTokenCarriesIt() throws Exception {
        String admin = adminToken();
        String email = newEmail("plan");
        Tokens user = loginNewUser(email);
        String userId = AdminSetupTest.subject(user.accessToken());
        assertEquals("free", plan(user.accessToken()));

        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("plan", "pro"))
                .when().put("/v1/admin/users/" + userId + "/plan").then().statusCode(200)
                .body("success", is(true)).body("data.id", is(userId)).body("data.subscription", is("pro"));

        String refreshed = given().contentType("application/json").body(Map.of("refresh_token", user.refreshToken()))
                .when().post("/v1/auth/refresh").then().statusCode(200).extract().path("access_token");
        assertEquals("pro", plan(refreshed));
        given().header("Authorization", bearer(refreshed)).when().get("/v1/user/profile").then().statusCode(200)
                .body("data.subscription", is("pro"));

        List<Map<String, Object>> audit = given().header("Authorization", bearer(admin)).queryParam("limit", 100)
                .when().get("/v1/admin/audit").then().statusCode(200).extract().path("data.items");
        assertTrue(audit.stream().anyMatch(e -> "user.plan".equals(e.get("action")) && userId.equals(e.get("targetId"))
                && "free -> pro".equals(e.get("details"))), audit.toString());

        // and back
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("plan", "free"))
                .when().put("/v1/admin/users/" + userId + "/plan").then().statusCode(200).body("data.subscription", is("free"));
    }

    @Test
    void badInputChangesNothingAndOnlyAdminsMaySetPlans() throws Exception {
        String admin = adminToken();
        Tokens user = loginNewUser(newEmail("planbad"));
        String userId = AdminSetupTest.subject(user.accessToken());
        // body -> the field the error names (an unknown field is refused by name)
        Map<Map<String, Object>, String> bad = Map.of(Map.of("plan", "enterprise"), "plan", Map.of("plan", ""), "plan",
                Map.of(), "plan", Map.of("plan", "pro", "other", "x"), "other");
        bad.forEach((body, field) -> given().header("Authorization", bearer(admin)).contentType("application/json").body(body)
                .when().put("/v1/admin/users/" + userId + "/plan").then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is(field)));
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("plan", "pro"))
                .when().put("/v1/admin/users/user_doesnotexist0000000000/plan").then().statusCode(404)
                .body("error.code", is("NOT_FOUND"));
        // a user cannot promote themself
        given().header("Authorization", bearer(user.accessToken())).contentType("application/json").body(Map.of("plan", "pro"))
                .when().put("/v1/admin/users/" + userId + "/plan").then().statusCode(403).body("error.code", is("FORBIDDEN"));
        given().header("Authorization", bearer(admin)).when().get("/v1/user/profile").then().statusCode(200);
        String refreshed = given().contentType("application/json").body(Map.of("refresh_token", user.refreshToken()))
                .when().post("/v1/auth/refresh").then().statusCode(200).extract().path("access_token");
        assertEquals("free", plan(refreshed), "nothing changed");
    }
}
