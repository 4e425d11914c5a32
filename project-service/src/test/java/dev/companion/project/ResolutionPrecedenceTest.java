package dev.companion.project;

import dev.companion.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every combination of the three layers, each absent, append or override (27 cases), checked through
 * {@code GET /v1/instructions/effective?chatId=…} against the rule stated the other way round: what
 * counts is the last override and every layer after it, merged by append.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "companion_project"))
class ResolutionPrecedenceTest {

    static final String[] STATES = {null, "append", "override"};

    record Content(String role, String style, List<String> constraints, List<String> examples) {
        Map<String, Object> json() {
            Map<String, Object> m = new java.util.HashMap<>();
            m.put("role", role);
            m.put("style", style);
            m.put("constraints", constraints);
            m.put("examples", examples);
            return m;
        }
    }

    static final Content GLOBAL = new Content("G role", "G style", List.of("shared", "G c"), List.of("G e"));
    static final Content PROJECT = new Content("P role", null, List.of("P c", "shared"), List.of());
    static final Content CHAT = new Content(null, "C style", List.of("C c"), List.of("G e", "C e"));

    @Test
    void everyCombinationOfLayersAndModes() {
        for (String g : STATES) {
            TestUsers u = TestUsers.fresh();
            if (g != null) {
                create(u, "global", null, null, g, GLOBAL);
            }
            List<String[]> cases = new ArrayList<>();
            for (String p : STATES) {
                for (String c : STATES) {
                    String project = ProjectApiTest.create(u, "Case " + p + " " + c, null, List.of());
                    String chat = "chat_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 26);
                    KafkaTestClient.chatCreated(chat, project, u.id(), Instant.now());
                    cases.add(new String[]{p, c, project, chat});
                }
            }
            for (String[] k : cases) {
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        u.api().queryParam("chatId", k[3]).get("/v1/instructions/effective").statusCode() == 200);
                if (k[0] != null) {
                    create(u, "project", k[2], null, k[0], PROJECT);
                }
                if (k[1] != null) {
                    create(u, "chat", null, k[3], k[1], CHAT);
                }
                List<String> modes = new ArrayList<>();
                List<Content> layers = new ArrayList<>();
                for (Object[] layer : new Object[][]{{g, GLOBAL}, {k[0], PROJECT}, {k[1], CHAT}}) {
                    if (layer[0] != null) {
                        modes.add((String) layer[0]);
                        layers.add((Content) layer[1]);
                    }
                }
                Content expected = expected(modes, layers);
                JsonPath answer = u.api().queryParam("chatId", k[3]).get("/v1/instructions/effective").then().statusCode(200)
                        .extract().jsonPath();
                String label = "global=" + g + " project=" + k[0] + " chat=" + k[1];
                assertEquals(modes, answer.getList("data.layers.mode"), label);
                assertEquals(expected.role(), answer.getString("data.merged.role"), label);
                assertEquals(expected.style(), answer.getString("data.merged.style"), label);
                assertEquals(expected.constraints(), answer.getList("data.merged.constraints"), label);
                assertEquals(expected.examples(), answer.getList("data.merged.examples"), label);
                assertEquals(render(expected), answer.getString("data.systemPrompt"), label);
            }
        }
    }

    @Test
    void insideALayerTheOlderSetComesFirst() throws InterruptedException {
        TestUsers u = TestUsers.fresh();
        String first = create(u, "global", null, null, "append", new Content("First role", "First style", List.of("a"), List.of()));
        Ticks.nextMillisecond();
        String second = create(u, "global", null, null, "append", new Content("Second role", null, List.of("b", "a"), List.of()));
        JsonPath answer = u.api().get("/v1/instructions/effective").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(first, second), answer.getList("data.layers.id"));
        assertEquals("Second role\n\nStyle: First style\n\nConstraints:\n- a\n- b", answer.getString("data.systemPrompt"));
        Ticks.nextMillisecond();
        create(u, "global", null, null, "override", new Content(null, null, List.of("only this"), List.of()));
        answer = u.api().get("/v1/instructions/effective").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(true, true, false), answer.getList("data.layers.overridden"));
        assertEquals("Constraints:\n- only this", answer.getString("data.systemPrompt"));
        assertEquals(null, answer.getString("data.merged.role"));
    }

    /** The rule, stated from the end: start at the last override, then append-merge every later layer. */
    static Content expected(List<String> modes, List<Content> layers) {
        int start = Math.max(0, modes.lastIndexOf("override"));
        String role = null;
        String style = null;
        LinkedHashSet<String> constraints = new LinkedHashSet<>();
        LinkedHashSet<String> examples = new LinkedHashSet<>();
        for (Content c : layers.subList(start, layers.size())) {
            role = c.role() != null ? c.role() : role;
            style = c.style() != null ? c.style() : style;
            constraints.addAll(c.constraints());
            examples.addAll(c.examples());
        }
        return new Content(role, style, List.copyOf(constraints), List.copyOf(examples));
    }

    static String render(Content c) {
        List<String> parts = new ArrayList<>();
        if (c.role() != null) {
            parts.add(c.role());
        }
        if (c.style() != null) {
            parts.add("Style: " + c.style());
        }
        if (!c.constraints().isEmpty()) {
            parts.add("Constraints:\n- " + String.join("\n- ", c.constraints()));
        }
        if (!c.examples().isEmpty()) {
            parts.add("Examples:\n- " + String.join("\n- ", c.examples()));
        }
        return String.join("\n\n", parts);
    }

    private static String create(TestUsers u, String scope, String projectId, String chatId, String mode, Content content) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("name", scope + " " + mode);
        body.put("scope", scope);
        body.put("projectId", projectId);
        body.put("chatId", chatId);
        body.put("mode", mode);
        body.put("instructions", content.json());
        return u.api().body(body).post("/v1/instructions").then().statusCode(201).extract().path("data.id");
    }
}
