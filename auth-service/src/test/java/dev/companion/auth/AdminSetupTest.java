package dev.companion.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.companion.auth.AuthFlow.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue #16 item 3 and the admin scope: no email makes anyone admin, the one-time setup token makes
 * exactly one user admin, admin actions are audited, third-party tokens of an admin lack the admin scope.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = {@ResourceArg(name = "database", value = "companion_auth"), @ResourceArg(name = "redis", value = "true")})
class AdminSetupTest {

    static List<String> groups(String token) throws Exception {
        List<String> out = new ArrayList<>();
        BrowserFlowTest.decode(token, 1).get("groups").forEach(g -> out.add(g.asText()));
        return out;
    }

    static String scope(String token) throws Exception {
        return BrowserFlowTest.decode(token, 1).get("scope").asText();
    }

    static String subject(String token) throws Exception {
        return BrowserFlowTest.decode(token, 1).get("sub").asText();
    }

    @Test
    void registeringNeverMakesAnAdminAndTheSetupTokenWorksOnce() throws Exception {
        String admin = adminToken();
        assertTrue(groups(admin).contains("admin"));
        assertTrue(scope(admin).contains("admin"), "a first-party admin login carries the admin scope");

        String email = newEmail("admin");
        String someone = loginNewUser(email).accessToken();
        assertEquals(List.of("user"), groups(someone));
        assertFalse(scope(someone).contains("admin"));
        given().header("Authorization", bearer(someone)).when().get("/v1/admin/users")
                .then().statusCode(403).body("error.code", is("FORBIDDEN"));

        // the token was consumed by the first admin: nobody else can use it, nor guess one
        for (String presented : List.of(SETUP_TOKEN, "setup_guess")) {
            given().header("Authorization", bearer(someone)).contentType("application/json").body(Map.of("token", presented))
                    .when().post("/v1/auth/admin-setup").then().statusCode(403)
                    .body("error.code", is("FORBIDDEN")).body("error.details.field", is("token"));
        }
        given().contentType("application/json").body(Map.of("token", SETUP_TOKEN))
                .when().post("/v1/auth/admin-setup").then().statusCode(401);
        // still a plain user after all that
        Pkce pkce = Pkce.create();
        assertEquals(List.of("user"), groups(exchange(code(email, pkce), pkce).accessToken()));
    }

    @Test
    void adminActionsAreAuditedWithWhoWhatTargetAndWhen() throws Exception {
        String admin = adminToken();
        String adminId = subject(admin);
        String email = newEmail("audited");
        String userId = register(email);

        String tokenId = given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("name", "bot"))
                .when().post("/v1/admin/users/" + userId + "/tokens").then().statusCode(201).extract().path("data.id");
        given().header("Authorization", bearer(admin)).when().delete("/v1/admin/users/" + userId + "/tokens/" + tokenId)
                .then().statusCode(200);
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("roles", List.of("user", "admin")))
                .when().put("/v1/admin/users/" + userId + "/roles").then().statusCode(200)
                .body("data.roles", hasItems("user", "admin"));

        Response audit = given().header("Authorization", bearer(admin)).when().get("/v1/admin/audit?limit=100");
        audit.then().statusCode(200).body("success", is(true)).body("data.pagination.total", greaterThanOrEqualTo(3));
        List<Map<String, Object>> mine = audit.jsonPath().<Map<String, Object>>getList("data.items").stream()
                .filter(e -> userId.equals(e.get("targetId"))).toList();
        assertEquals(List.of("user.roles", "api_token.delete", "api_token.create"), mine.stream().map(e -> e.get("action")).toList(),
                "newest first: " + mine);
        for (Map<String, Object> e : mine) {
            assertEquals(adminId, e.get("actorId"));
            assertEquals("user", e.get("targetType"));
            assertNotNull(e.get("createdAt"));
            assertNotNull(e.get("requestId"));
        }
        assertTrue(String.valueOf(mine.get(2).get("details")).contains(tokenId));
        assertEquals("user -> user,admin", mine.get(0).get("details"));

        // the new admin gets admin at their next login; the audit is for admins only
        Pkce pkce = Pkce.create();
        String promoted = exchange(code(email, pkce), pkce).accessToken();
        assertTrue(groups(promoted).contains("admin"));
        String plain = loginNewUser(newEmail("curious")).accessToken();
        given().header("Authorization", bearer(plain)).when().get("/v1/admin/audit").then().statusCode(403);
    }

    @Test
    void rolesAreValidatedAndAnAdminCannotDemoteThemself() throws Exception {
        String admin = adminToken();
        String userId = register(newEmail("roles"));
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("roles", List.of("admin")))
                .when().put("/v1/admin/users/" + userId + "/roles").then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR")).body("error.details.field", is("roles"));
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("roles", List.of("user", "root")))
                .when().put("/v1/admin/users/" + userId + "/roles").then().statusCode(400)
                .body("error.code", is("VALIDATION_ERROR"));
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("roles", List.of("user")))
                .when().put("/v1/admin/users/" + subject(admin) + "/roles").then().statusCode(409)
                .body("error.code", is("CONFLICT"));
        given().header("Authorization", bearer(admin)).contentType("application/json").body(Map.of("roles", List.of("user")))
                .when().put("/v1/admin/users/user_doesnotexist0000000000/roles").then().statusCode(404);
    }

    @Test
    void anAdminsThirdPartyTokenWithoutTheAdminScopeIsForbiddenOnAdminRoutes() throws Exception {
        adminToken();
        Pkce pkce = Pkce.create();
        Response r = login(ADMIN_EMAIL, PASSWORD, WEB_CLIENT, WEB_REDIRECT, "w", pkce, addressOf(ADMIN_EMAIL), "projects");
        assertEquals(302, r.statusCode(), r.asString());
        String code = query(r.header("Location")).get("code");
        Response t = given().contentType("application/json").body(Map.of("grant_type", "authorization_code", "code", code,
                "client_id", WEB_CLIENT, "client_secret", WEB_SECRET, "redirect_uri", WEB_REDIRECT, "code_verifier", pkce.verifier()))
                .when().post("/v1/auth/token");
        assertEquals(200, t.statusCode(), t.asString());
        String token = t.path("access_token");
        assertEquals("projects", scope(token), "a third-party client gets what it asked for");
        assertTrue(groups(token).contains("admin"));
        given().header("Authorization", bearer(token)).when().get("/v1/admin/users").then().statusCode(403)
                .body("error.code", is("FORBIDDEN")).body("error.details.requiredScope", is("admin"));
        // the profile needs no particular scope
        given().header("Authorization", bearer(token)).when().get("/v1/user/profile").then().statusCode(200);
    }

    @Test
    void aNonAdminAskingForTheAdminScopeDoesNotGetIt() throws Exception {
        String email = newEmail("wannabe");
        register(email);
        Pkce pkce = Pkce.create();
        Response r = login(email, PASSWORD, WEB_CLIENT, WEB_REDIRECT, "w", pkce, addressOf(email), "projects admin");
        assertEquals(302, r.statusCode(), r.asString());
        Response t = given().contentType("application/json").body(Map.of("grant_type", "authorization_code",
                "code", query(r.header("Location")).get("code"), "client_id", WEB_CLIENT, "client_secret", WEB_SECRET,
                "redirect_uri", WEB_REDIRECT, "code_verifier", pkce.verifier())).when().post("/v1/auth/token");
        assertEquals("projects", scope(t.path("access_token")));
        JsonNode claims = BrowserFlowTest.decode(t.path("access_token"), 1);
        assertEquals(1, claims.get("groups").size());
    }
}
