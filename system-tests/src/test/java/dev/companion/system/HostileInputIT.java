package dev.companion.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hostile-input suite (issue #15): a property-based fuzzer that drives every public route through
 * the gateway of the running system with mutated methods, paths, ids, query values, headers and
 * bodies. A fixed seed and a bounded number of tries make every run the same; raise
 * {@code -Dcompanion.fuzz.tries} to search longer. Every answer must be below 500 and every error must
 * be the seed's envelope ({@code success: false}, a known {@code error.code}, a message) — except the
 * OAuth endpoints {@code /v1/auth/token|refresh|revoke}, whose errors are RFC 6749 bodies on purpose.
 * All failures of a run are reported together, grouped by route and status.
 */
class HostileInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRIES = 1500;
    private static final Set<String> CODES = Set.of("VALIDATION_ERROR", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT",
            "PAYLOAD_TOO_LARGE", "RATE_LIMIT", "SERVER_ERROR", "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT", "UNSUPPORTED_MEDIA_TYPE");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    private static String gateway;
    private static final List<Login.User> users = new ArrayList<>();
    private static Login.User stranger;
    /** Ids of real resources of the fuzzing users, by kind; the stranger's are 404 to them. */
    private static final Map<String, List<String>> ids = new LinkedHashMap<>();
    private static final Map<String, List<String>> strangerIds = new LinkedHashMap<>();
    private static final Map<String, List<String>> failures = new TreeMap<>();
    private static final AtomicInteger sent = new AtomicInteger();
    private static final Map<Integer, AtomicInteger> statuses = new TreeMap<>();

    /** A public route: method, path template with {kind} placeholders, sample query and body. */
    record Route(String method, String path, Map<String, String> query, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    enum MethodMutation { AS_IS, OTHER }

    enum PathMutation { AS_IS, FOREIGN_ID, GARBAGE_ID, DOUBLE_SLASH, DOT_SEGMENTS, ENCODED_UNRESERVED, ENCODED_SLASH, LONG, TRAILING_SLASH, CASE }

    enum QueryMutation { AS_IS, NONE, BAD_VALUES, HUGE_VALUES, DUPLICATES, JUNK_PARAMS }

    enum HeaderMutation { AS_IS, NO_CONTENT_TYPE, EMPTY_CONTENT_TYPE, WRONG_CONTENT_TYPE, GARBAGE_CONTENT_TYPE, DUPLICATE_CONTENT_TYPE, ODD_ACCEPT, HUGE_HEADER, ODD_REQUEST_ID }

    enum BodyMutation { AS_IS, NONE, DROP_FIELD, WRONG_TYPE, HUGE_STRING, DEEP_NESTING, UNKNOWN_FIELDS, NOT_JSON, TRUNCATED, EMPTY, SCALAR, BINARY }

    enum AuthMutation { OWN, OWN2, STRANGER, NONE, GARBAGE, EXPIRED_LOOKING, BASIC, EMPTY_BEARER }

    record Case(Route route, MethodMutation method, PathMutation path, QueryMutation query, HeaderMutation header,
                BodyMutation body, AuthMutation auth, long seed) {
    }

    static final List<Route> ROUTES = List.of(
            new Route("POST", "/v1/auth/register", Map.of(), "{\"email\":\"fuzz@example.com\",\"password\":\"correct horse battery staple\",\"name\":\"F\"}"),
            new Route("POST", "/v1/auth/token", Map.of(), "{\"grant_type\":\"authorization_code\",\"code\":\"x\",\"code_verifier\":\"y\"}"),
            new Route("POST", "/v1/auth/refresh", Map.of(), "{\"refresh_token\":\"x\"}"),
            new Route("POST", "/v1/auth/logout", Map.of(), "{}"),
            new Route("GET", "/v1/auth/authorize", Map.of("response_type", "code", "client_id", "companion-extension"), null),
            new Route("GET", "/v1/user/profile", Map.of(), null),
            new Route("PATCH", "/v1/user/profile", Map.of(), "{\"name\":\"New name\",\"preferences\":{\"theme\":\"dark\"}}"),
            new Route("GET", "/v1/admin/users", Map.of("page", "1", "limit", "20"), null),
            new Route("GET", "/v1/projects", Map.of("page", "1", "limit", "20", "sort", "createdAt", "order", "desc"), null),
            new Route("POST", "/v1/projects", Map.of(), "{\"name\":\"Fuzz\",\"description\":\"d\",\"tags\":[\"a\"],\"color\":\"#3B82F6\",\"settings\":{\"autoSave\":true}}"),
            new Route("GET", "/v1/projects/{project}", Map.of(), null),
            new Route("PUT", "/v1/projects/{project}", Map.of(), "{\"name\":\"Renamed\",\"tags\":[\"b\"]}"),
            new Route("PATCH", "/v1/projects/{project}", Map.of(), "{\"description\":\"patched\"}"),
            new Route("DELETE", "/v1/projects/{project}", Map.of(), null),
            new Route("GET", "/v1/projects/{project}/chats", Map.of("page", "1", "limit", "20", "archived", "false"), null),
            new Route("POST", "/v1/projects/{project}/chats", Map.of(), "{\"name\":\"Chat\",\"model\":\"offline-echo\"}"),
            new Route("GET", "/v1/instructions", Map.of("scope", "global", "projectId", "{project}"), null),
            new Route("POST", "/v1/instructions", Map.of(), "{\"name\":\"Voice\",\"scope\":\"project\",\"projectId\":\"{project}\",\"instructions\":{\"role\":\"r\",\"style\":\"s\",\"constraints\":[\"c\"],\"examples\":[\"e\"]}}"),
            new Route("GET", "/v1/instructions/{instruction}", Map.of(), null),
            new Route("PUT", "/v1/instructions/{instruction}", Map.of(), "{\"name\":\"Voice 2\",\"instructions\":{\"style\":\"terse\"}}"),
            new Route("DELETE", "/v1/instructions/{instruction}", Map.of(), null),
            new Route("GET", "/v1/instructions/effective", Map.of("projectId", "{project}", "chatId", "{chat}"), null),
            new Route("GET", "/v1/chats/{chat}", Map.of(), null),
            new Route("PUT", "/v1/chats/{chat}", Map.of(), "{\"name\":\"Renamed\",\"starred\":true,\"archived\":false}"),
            new Route("DELETE", "/v1/chats/{chat}", Map.of(), null),
            new Route("GET", "/v1/chats/{chat}/stream-status", Map.of(), null),
            new Route("GET", "/v1/chats/{chat}/messages", Map.of("page", "1", "limit", "50"), null),
            new Route("POST", "/v1/chats/{chat}/messages", Map.of(), "{\"content\":\"Explain {{topic}}\",\"attachments\":[],\"metadata\":{\"template\":\"explanation\",\"variables\":{\"topic\":\"hooks\"}}}"),
            new Route("GET", "/v1/chats/{chat}/messages/{message}", Map.of(), null),
            new Route("POST", "/v1/chats/{chat}/messages/{message}/cancel", Map.of(), null),
            new Route("POST", "/v1/chats/{chat}/messages/{message}/regenerate", Map.of(), null),
            new Route("POST", "/v1/chats/{chat}/messages/batch", Map.of(), "{\"prompts\":[{\"content\":\"a\",\"metadata\":{\"order\":1}},{\"content\":\"b {{previous}}\"}],\"mode\":\"chained\",\"options\":{\"continueOnError\":true,\"timeout\":30000}}"),
            new Route("GET", "/v1/chats/{chat}/messages/batch/{batch}", Map.of(), null),
            new Route("POST", "/v1/images/generate", Map.of(), "{\"prompt\":\"A lighthouse\",\"chatId\":\"{chat}\",\"options\":{\"size\":\"1024x1024\",\"quality\":\"standard\",\"style\":\"natural\",\"n\":1}}"),
            new Route("GET", "/v1/images/generate/{generation}", Map.of(), null),
            new Route("DELETE", "/v1/images/generate/{generation}", Map.of(), null),
            new Route("GET", "/v1/images", Map.of("page", "1", "limit", "20", "chatId", "{chat}", "sort", "createdAt", "order", "desc"), null),
            new Route("GET", "/v1/images/{image}", Map.of(), null),
            new Route("DELETE", "/v1/images/{image}", Map.of(), null),
            new Route("POST", "/v1/images/analyze", Map.of(), null),
            new Route("POST", "/v1/images/{image}/download", Map.of(), "{\"format\":\"jpg\",\"quality\":80,\"width\":64,\"height\":64}"),
            new Route("POST", "/v1/images/download/bulk", Map.of(), "{\"imageIds\":[\"{image}\"],\"format\":\"png\",\"quality\":90,\"createZip\":true,\"folderStructure\":\"flat\",\"namingPattern\":\"{project}-{date}-{index}\"}"),
            new Route("GET", "/v1/downloads/{download}", Map.of(), null),
            new Route("GET", "/v1/downloads/history", Map.of("page", "1", "limit", "20"), null),
            // issues #18 / #19
            new Route("GET", "/v1/chats", Map.of("offset", "0", "limit", "20", "isArchived", "false", "isStarred", "true", "projectId", "{project}", "search", "tomato"), null),
            new Route("PATCH", "/v1/chats/{chat}", Map.of(), "{\"name\":\"Patched\",\"starred\":true,\"archived\":false}"),
            new Route("POST", "/v1/chats/{chat}/suggestions", Map.of(), "{\"numSuggestions\":3}"),
            new Route("POST", "/v1/chats/{chat}/share", Map.of(), "{\"title\":\"Shared\"}"),
            new Route("DELETE", "/v1/chats/{chat}/share/{share}", Map.of(), null),
            new Route("GET", "/v1/shares", Map.of("page", "1", "limit", "20"), null),
            new Route("GET", "/v1/share/{share}", Map.of(), null),
            new Route("GET", "/v1/memories", Map.of(), null),
            new Route("POST", "/v1/memories", Map.of(), "{\"content\":\"Prefers metric units\",\"enabled\":true}"),
            new Route("DELETE", "/v1/memories", Map.of(), null),
            new Route("GET", "/v1/memories/settings", Map.of(), null),
            new Route("PUT", "/v1/memories/settings", Map.of(), "{\"enabled\":true}"),
            new Route("GET", "/v1/memories/{memory}", Map.of(), null),
            new Route("PATCH", "/v1/memories/{memory}", Map.of(), "{\"content\":\"Prefers imperial units\",\"enabled\":false}"),
            new Route("DELETE", "/v1/memories/{memory}", Map.of(), null),
            new Route("GET", "/v1/templates", Map.of("page", "1", "limit", "20"), null),
            new Route("POST", "/v1/templates", Map.of(), "{\"name\":\"explain\",\"description\":\"d\",\"body\":\"Explain {{topic}} to {{who}}\",\"variables\":[{\"name\":\"who\",\"default\":\"me\",\"description\":\"reader\"}]}"),
            new Route("GET", "/v1/templates/{template}", Map.of(), null),
            new Route("PUT", "/v1/templates/{template}", Map.of(), "{\"name\":\"explain2\",\"body\":\"Explain {{topic}}\",\"variables\":[]}"),
            new Route("DELETE", "/v1/templates/{template}", Map.of(), null),
            new Route("GET", "/v1/user/limits", Map.of(), null),
            new Route("PUT", "/v1/admin/users/{user}/plan", Map.of(), "{\"plan\":\"pro\"}"),
            new Route("POST", "/v1/ask", Map.of(), "{\"content\":\"What is a monad?\",\"chatId\":\"{chat}\",\"model\":\"offline-echo\"}"),
            new Route("POST", "/v1/openai/chat/completions", Map.of(), "{\"model\":\"offline-echo\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":false}"),
            new Route("POST", "/v1/openai/chat/completions", Map.of(), "{\"model\":\"offline-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}"),
            new Route("GET", "/v1/openai/models", Map.of(), null),
            new Route("GET", "/v1/agents", Map.of(), null),
            new Route("GET", "/v1/health", Map.of(), null),
            new Route("GET", "/.well-known/jwks.json", Map.of(), null),
            new Route("GET", "/v1/unknown/route", Map.of(), null));

    @BeforeContainer
    static void fixtures() throws Exception {
        gateway = SystemStack.stack().gatewayUrl();
        ApiClient anonymous = new ApiClient(gateway);
        for (int i = 0; i < 4; i++) {
            users.add(Login.newUser(anonymous, "fuzz" + i));
        }
        stranger = Login.newUser(anonymous, "fuzz-stranger");
        resources(users.get(0), ids);
        resources(users.get(1), ids);
        resources(stranger, strangerIds);
    }

    /** A project, chat, instruction set, message, batch, generation, image and download of {@code user}. */
    private static void resources(Login.User user, Map<String, List<String>> into) throws Exception {
        ApiClient api = user.api();
        String project = api.post("/v1/projects", Map.of("name", "Fuzz target")).data().path("id").asText();
        String chat = api.post("/v1/projects/" + project + "/chats", Map.of("name", "Fuzz chat")).data().path("id").asText();
        String instruction = api.post("/v1/instructions", Map.of("name", "Fuzz voice", "scope", "project", "projectId", project,
                "instructions", Map.of("style", "Terse"))).data().path("id").asText();
        JsonNode sent = api.post("/v1/chats/" + chat + "/messages", Map.of("content", "Hello")).data();
        String batch = api.post("/v1/chats/" + chat + "/messages/batch", Map.of("prompts", List.of(Map.of("content", "one")),
                "mode", "sequential")).data().path("batchId").asText();
        String generation;
        String image;
        try (EventSocket socket = api.connect()) {
            generation = api.post("/v1/images/generate", Map.of("prompt", "A fuzzed lighthouse", "chatId", chat,
                    "options", Map.of("size", "1024x1024", "n", 1))).data().path("id").asText();
            JsonNode complete = socket.await(m -> "image.complete".equals(m.path("type").asText())
                    && generation.equals(m.path("generationId").asText()), Duration.ofSeconds(120));
            image = complete.path("images").get(0).path("id").asText();
        }
        String download = api.post("/v1/images/download/bulk", Map.of("imageIds", List.of(image), "format", "png", "createZip", true))
                .data().path("id").asText();
        String memory = api.post("/v1/memories", Map.of("content", "Fuzz fact")).data().path("id").asText();
        String template = api.post("/v1/templates", Map.of("name", "fuzz-" + user.id(), "body", "Say {{x}}")).data().path("id").asText();
        String share = api.post("/v1/chats/" + chat + "/share", Map.of("title", "Fuzz share")).data().path("shareId").asText();
        add(into, "memory", memory);
        add(into, "template", template);
        add(into, "share", share);
        add(into, "user", user.id());
        add(into, "project", project);
        add(into, "chat", chat);
        add(into, "instruction", instruction);
        add(into, "message", sent.path("id").asText());
        add(into, "message", sent.path("answerId").asText());
        add(into, "batch", batch);
        add(into, "generation", generation);
        add(into, "image", image);
        add(into, "download", download);
    }

    private static void add(Map<String, List<String>> into, String kind, String id) {
        if (id != null && !id.isBlank()) {
            into.computeIfAbsent(kind, k -> new ArrayList<>()).add(id);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(
                Arbitraries.of(ROUTES),
                Arbitraries.of(MethodMutation.class).edgeCases(c -> c.includeOnly(MethodMutation.AS_IS)),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, Arbitraries.just(PathMutation.AS_IS)),
                        net.jqwik.api.Tuple.of(6, Arbitraries.of(PathMutation.class))),
                Arbitraries.of(QueryMutation.class),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, Arbitraries.just(HeaderMutation.AS_IS)),
                        net.jqwik.api.Tuple.of(6, Arbitraries.of(HeaderMutation.class))),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, Arbitraries.just(BodyMutation.AS_IS)),
                        net.jqwik.api.Tuple.of(7, Arbitraries.of(BodyMutation.class))),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, Arbitraries.of(AuthMutation.OWN, AuthMutation.OWN2)),
                        net.jqwik.api.Tuple.of(4, Arbitraries.of(AuthMutation.class))),
                Arbitraries.longs()
        ).as(Case::new);
    }

    @Property(tries = TRIES, seed = "20261202", shrinking = ShrinkingMode.OFF)
    void everyAnswerIsBelow500AndEveryErrorIsTheEnvelope(@ForAll("cases") Case c) {
        Random random = new Random(c.seed());
        String method = c.method() == MethodMutation.AS_IS ? c.route().method()
                : pick(random, List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND"));
        String path = mutatePath(fill(c.route().path(), random, c.path(), true), c.path(), random);
        String query = query(c, random);
        Map<String, String> headers = headers(c, random);
        byte[] body = body(c, random, headers);
        String target = path + query;
        RawHttp.Response r;
        try {
            r = RawHttp.send(gateway, method, target, headers, body);
        } catch (Exception e) {
            fail(c, method, target, -1, "no HTTP answer: " + e);
            return;
        }
        sent.incrementAndGet();
        statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
        if (r.status() == 503 && healthDocument(path, r)) {
            // the health check says a dependency is slow or down (in its own format, by design): not a failure
            return;
        }
        if (r.status() >= 500) {
            fail(c, method, target, r.status(), r.text());
            return;
        }
        if (r.status() >= 400 && !"HEAD".equals(method) && !oauthEndpoint(path)) {
            String problem = envelopeProblem(r);
            if (problem != null) {
                fail(c, method, target, r.status(), problem + ": " + abbreviate(r.text()));
            }
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf("hostile input: %d requests answered, statuses %s%n", sent.get(), statuses);
        if (!failures.isEmpty()) {
            StringBuilder b = new StringBuilder("hostile input found " + failures.size() + " kinds of failure:\n");
            failures.forEach((k, v) -> b.append("  ").append(k).append(" ×").append(v.size()).append(", e.g. ").append(v.get(0)).append('\n'));
            throw new AssertionError(b.toString());
        }
        if (sent.get() < TRIES * 9 / 10) {
            throw new AssertionError("only " + sent.get() + " of " + TRIES + " requests got an answer");
        }
    }

    /** RFC 6749 endpoints answer RFC 6749 errors (the spec's /auth/refresh too), wherever a path trick lands. */
    private static boolean oauthEndpoint(String path) {
        return canonical(path).matches("/v1/auth/(token|refresh|revoke)/?");
    }

    private static boolean healthDocument(String path, RawHttp.Response r) {
        if (!canonical(path).matches("/v1/health/?")) {
            return false;
        }
        try {
            return JSON.readTree(r.body()).path("status").isTextual();
        } catch (Exception e) {
            return false;
        }
    }

    /** The path as the gateway routes it: escapes of unreserved characters decoded, {@code //} collapsed, dot segments resolved. */
    static String canonical(String path) {
        String p = path.replaceAll("/{2,}", "/");
        StringBuilder decoded = new StringBuilder();
        for (int i = 0; i < p.length(); i++) {
            char ch = p.charAt(i);
            if (ch == '%' && i + 2 < p.length()) {
                try {
                    char d = (char) Integer.parseInt(p.substring(i + 1, i + 3), 16);
                    if (Character.isLetterOrDigit(d) || "-._~".indexOf(d) >= 0) {
                        decoded.append(d);
                        i += 2;
                        continue;
                    }
                } catch (NumberFormatException notAnEscape) {
                    // kept as it is
                }
            }
            decoded.append(ch);
        }
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        for (String seg : decoded.toString().split("/", -1)) {
            if (seg.equals("..")) {
                segments.pollLast();
            } else if (!seg.equals(".") && !seg.isEmpty()) {
                segments.addLast(seg);
            }
        }
        return "/" + String.join("/", segments);
    }

    /** Null when {@code r} is the seed's error envelope, else what is wrong with it. */
    static String envelopeProblem(RawHttp.Response r) {
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (Exception e) {
            return "not JSON";
        }
        if (json == null || !json.isObject()) {
            return "not a JSON object";
        }
        if (!json.path("success").isBoolean() || json.path("success").asBoolean()) {
            return "success is not false";
        }
        String code = json.path("error").path("code").asText("");
        if (!CODES.contains(code)) {
            return "unknown error.code '" + code + "'";
        }
        if (json.path("error").path("message").asText("").isBlank()) {
            return "no error.message";
        }
        return null;
    }

    private static synchronized void fail(Case c, String method, String target, int status, String what) {
        String key = c.route() + " → " + status;
        failures.computeIfAbsent(key, k -> new ArrayList<>()).add(method + " " + abbreviate(target) + " [" + c + "]: " + abbreviate(what));
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + ")" : s;
    }

    // --- mutations ---------------------------------------------------------------------------

    /** Replaces {kind} by an id: the user's own, another user's, or garbage. */
    private static String fill(String template, Random random, PathMutation mutation, boolean encode) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kind = m.group(1);
            String id;
            if (mutation == PathMutation.FOREIGN_ID && strangerIds.containsKey(kind)) {
                id = pick(random, strangerIds.get(kind));
            } else if (mutation == PathMutation.GARBAGE_ID) {
                id = garbageId(random, kind);
            } else {
                id = ids.containsKey(kind) ? pick(random, ids.get(kind)) : kind;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(encode ? encodeSegment(id) : id));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String garbageId(Random random, String kind) {
        return pick(random, List.of("", "0", "-1", "null", "undefined", "x".repeat(300), "x".repeat(5000),
                kind + "_01jzzzzzzzzzzzzzzzzzzzzzzz", "proj_" + Long.toHexString(random.nextLong()), "' OR '1'='1",
                "<script>alert(1)</script>", "ÿþ漢字😀", "%00", "..", ".", "a b", "{}", "[]", "9".repeat(40), "\u202e"));
    }

    /** Percent-encodes what a path segment may not hold raw (the gateway then sees a well-formed target). */
    private static String encodeSegment(String s) {
        if (s.equals("..") || s.equals(".")) {
            return s;
        }
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String mutatePath(String path, PathMutation m, Random random) {
        return switch (m) {
            case DOUBLE_SLASH -> path.replaceFirst("/", "//").replace("/v1/", random.nextBoolean() ? "/v1//" : "/v1/");
            case DOT_SEGMENTS -> pick(random, List.of(path.replace("/v1/", "/v1/./"), path.replace("/v1/", "/v1/x/../"),
                    "/v1/../" + path.substring(4), path + "/..", "/.well-known/.." + path, path.replace("/v1/", "/v1/%2e%2e/")));
            case ENCODED_UNRESERVED -> encodeOneUnreserved(path, random);
            case ENCODED_SLASH -> pick(random, List.of(path.replace("/v1/", "/v1%2F"), path + "%2F..%2F..", path.replace("/v1/", "/v1/%5C"),
                    path + "%00", path + ";jsessionid=x"));
            case LONG -> path + "/" + "a".repeat(pick(random, List.of(100, 2000, 9000, 20000)));
            case TRAILING_SLASH -> path + "/";
            case CASE -> path.toUpperCase();
            default -> path;
        };
    }

    private static String encodeOneUnreserved(String path, Random random) {
        List<Integer> letters = new ArrayList<>();
        for (int i = 4; i < path.length(); i++) {
            if (Character.isLetter(path.charAt(i)) && path.charAt(i) < 128) {
                letters.add(i);
            }
        }
        if (letters.isEmpty()) {
            return path;
        }
        int i = pick(random, letters);
        return path.substring(0, i) + String.format("%%%02X", (int) path.charAt(i)) + path.substring(i + 1);
    }

    private static String query(Case c, Random random) {
        Map<String, String> q = new LinkedHashMap<>();
        c.route().query().forEach((k, v) -> q.put(k, fill(v, random, PathMutation.AS_IS, false)));
        List<String> pairs = new ArrayList<>();
        switch (c.query()) {
            case NONE -> q.clear();
            case BAD_VALUES -> q.replaceAll((k, v) -> pick(random, List.of("", "-1", "0", "abc", "1.5", "true", "[]", "%", "null", "ÿ")));
            case HUGE_VALUES -> q.replaceAll((k, v) -> pick(random, List.of("2147483648", "9223372036854775808", "99999999",
                    "1e309", "x".repeat(3000), String.valueOf(Integer.MAX_VALUE))));
            case DUPLICATES -> q.forEach((k, v) -> pairs.add(enc(k) + "=" + enc(v)));
            case JUNK_PARAMS -> {
                q.put("page", pick(random, List.of("1", "100000", "-5")));
                q.put("limit", pick(random, List.of("0", "1", "100", "101", "1000000")));
                q.put("sort", pick(random, List.of("createdAt", "name;DROP TABLE project", "__proto__", "")));
                q.put("order", pick(random, List.of("asc", "desc", "sideways")));
                q.put("scope", pick(random, List.of("global", "project", "chat", "universe")));
                q.put("archived", pick(random, List.of("true", "maybe")));
            }
            default -> { }
        }
        q.forEach((k, v) -> pairs.add(enc(k) + "=" + enc(v)));
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, String> headers(Case c, Random random) {
        Map<String, String> h = new LinkedHashMap<>();
        switch (c.auth()) {
            case OWN -> h.put("Authorization", "Bearer " + users.get(0).accessToken());
            case OWN2 -> h.put("Authorization", "Bearer " + pick(random, users).accessToken());
            case STRANGER -> h.put("Authorization", "Bearer " + stranger.accessToken());
            case GARBAGE -> h.put("Authorization", pick(random, List.of("Bearer x.y.z", "Bearer " + "a".repeat(4000),
                    "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyXzEifQ.", "Bearer ä")));
            case EXPIRED_LOOKING -> h.put("Authorization", "Bearer " + tamper(users.get(0).accessToken(), random));
            case BASIC -> h.put("Authorization", "Basic dXNlcjpwYXNz");
            case EMPTY_BEARER -> h.put("Authorization", random.nextBoolean() ? "Bearer " : "");
            default -> { }
        }
        h.put("Accept", "application/json");
        if (c.route().body() != null || c.route().path().endsWith("/analyze")) {
            h.put("Content-Type", c.route().path().endsWith("/analyze") ? "multipart/form-data; boundary=fuzzboundary" : "application/json");
        }
        switch (c.header()) {
            case NO_CONTENT_TYPE -> h.remove("Content-Type");
            case EMPTY_CONTENT_TYPE -> h.put("Content-Type", "");
            case WRONG_CONTENT_TYPE -> h.put("Content-Type", pick(random, List.of("text/plain", "application/xml",
                    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
                    "image/png", "multipart/form-data")));
            case GARBAGE_CONTENT_TYPE -> h.put("Content-Type", pick(random, List.of(";;", "application/", "/json", "application/json;;;",
                    "a/b; c", "\"application/json\"", "application/json; charset=\"", "*/*")));
            case DUPLICATE_CONTENT_TYPE -> h.put("Content-Type", "application/json, text/plain");
            case ODD_ACCEPT -> h.put("Accept", pick(random, List.of("text/html", "application/xml", "*/*;q=0", "", "image/png", "text/event-stream")));
            case HUGE_HEADER -> h.put("X-Fuzz", "h".repeat(pick(random, List.of(4000, 30000))));
            case ODD_REQUEST_ID -> h.put("X-Request-Id", pick(random, List.of("", "x".repeat(2000), "req_<script>", "ÿ", "../../etc/passwd")));
            default -> { }
        }
        return h;
    }

    private static String tamper(String jwt, Random random) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return jwt + "x";
        }
        return switch (random.nextInt(3)) {
            case 0 -> parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
            case 1 -> parts[0] + "." + parts[1].substring(1) + "." + parts[2];
            default -> parts[0] + "." + parts[1];
        };
    }

    private static byte[] body(Case c, Random random, Map<String, String> headers) {
        String sample = c.route().body();
        if (c.route().path().endsWith("/analyze")) {
            return multipart(c.body(), random);
        }
        if (sample == null && c.body() == BodyMutation.AS_IS) {
            return null;
        }
        String base = sample == null ? "{}" : fill(sample, random, PathMutation.AS_IS, false);
        return switch (c.body()) {
            case AS_IS -> utf8(base);
            case NONE -> null;
            case EMPTY -> new byte[0];
            case NOT_JSON -> utf8(pick(random, List.of("{", "name=x&y=z", "<xml/>", "{\"a\":}", "{'single':'quotes'}", "NaN", "\u0000\u0001")));
            case TRUNCATED -> utf8(base.substring(0, Math.max(1, random.nextInt(Math.max(1, base.length())))));
            case SCALAR -> utf8(pick(random, List.of("null", "true", "42", "\"a string\"", "[]", "[{}]", "1e400")));
            case BINARY -> {
                byte[] b = new byte[random.nextInt(2048) + 1];
                random.nextBytes(b);
                yield b;
            }
            case DEEP_NESTING -> {
                int depth = pick(random, List.of(100, 2000, 20000));
                yield utf8("{\"name\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
            }
            default -> mutateJson(base, c.body(), random);
        };
    }

    private static byte[] mutateJson(String base, BodyMutation m, Random random) {
        JsonNode root;
        try {
            root = JSON.readTree(base);
        } catch (Exception e) {
            return utf8(base);
        }
        if (!(root instanceof ObjectNode object)) {
            return utf8(base);
        }
        List<ObjectNode> objects = new ArrayList<>();
        collect(object, objects);
        ObjectNode target = pick(random, objects);
        List<String> fields = new ArrayList<>();
        target.fieldNames().forEachRemaining(fields::add);
        switch (m) {
            case DROP_FIELD -> {
                if (!fields.isEmpty()) {
                    target.remove(pick(random, fields));
                }
            }
            case WRONG_TYPE -> {
                String field = fields.isEmpty() ? "name" : pick(random, fields);
                JsonNodeFactory f = JsonNodeFactory.instance;
                target.set(field, pick(random, List.<JsonNode>of(f.nullNode(), f.numberNode(-1), f.numberNode(Long.MAX_VALUE),
                        f.numberNode(1.5e300), f.booleanNode(true), f.textNode(""), f.arrayNode().add(1), f.objectNode().put("x", 1),
                        f.textNode("1024x1024x1024"), f.numberNode(0), f.textNode("-1"))));
            }
            case HUGE_STRING -> {
                String field = fields.isEmpty() ? "name" : pick(random, fields);
                target.put(field, "s".repeat(pick(random, List.of(10_001, 100_001, 2_000_000))));
            }
            case UNKNOWN_FIELDS -> {
                target.put("__proto__", "x");
                target.put("constructor", "y");
                target.putArray("id").add("proj_someone_else");
                target.put("userId", "user_01jzzzzzzzzzzzzzzzzzzzzzzz");
                ArrayNode many = target.putArray("extra");
                for (int i = 0; i < 1000; i++) {
                    many.add(i);
                }
            }
            default -> { }
        }
        return utf8(object.toString());
    }

    private static void collect(ObjectNode node, List<ObjectNode> into) {
        into.add(node);
        Iterator<JsonNode> children = node.elements();
        while (children.hasNext()) {
            JsonNode child = children.next();
            if (child instanceof ObjectNode o) {
                collect(o, into);
            } else if (child instanceof ArrayNode a) {
                a.forEach(e -> {
                    if (e instanceof ObjectNode o) {
                        collect(o, into);
                    }
                });
            }
        }
    }

    /** A multipart body for /images/analyze: a tiny real PNG, a fake one, a huge declared size, or junk. */
    private static byte[] multipart(BodyMutation m, Random random) {
        byte[] png = java.util.Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        byte[] image = switch (m) {
            case BINARY -> {
                byte[] b = new byte[random.nextInt(4096) + 1];
                random.nextBytes(b);
                yield b;
            }
            case TRUNCATED -> java.util.Arrays.copyOf(png, 20);
            case HUGE_STRING -> hugeDeclaredPng();
            case EMPTY, NONE -> new byte[0];
            default -> png;
        };
        String question = m == BodyMutation.WRONG_TYPE ? "q".repeat(20_000) : "What is shown?";
        StringBuilder head = new StringBuilder();
        head.append("--fuzzboundary\r\nContent-Disposition: form-data; name=\"question\"\r\n\r\n").append(question).append("\r\n");
        if (m != BodyMutation.DROP_FIELD) {
            head.append("--fuzzboundary\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n");
        }
        byte[] start = utf8(head.toString());
        byte[] end = utf8((m == BodyMutation.DROP_FIELD ? "" : "\r\n") + (m == BodyMutation.NOT_JSON ? "" : "--fuzzboundary--\r\n"));
        byte[] out = new byte[start.length + (m == BodyMutation.DROP_FIELD ? 0 : image.length) + end.length];
        System.arraycopy(start, 0, out, 0, start.length);
        int at = start.length;
        if (m != BodyMutation.DROP_FIELD) {
            System.arraycopy(image, 0, out, at, image.length);
            at += image.length;
        }
        System.arraycopy(end, 0, out, at, end.length);
        return out;
    }

    /** A PNG header that claims 30000×30000 pixels at 16 bits per channel, with no pixel data behind it. */
    static byte[] hugeDeclaredPng() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25);
        b.put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13).put(utf8("IHDR")).putInt(30_000).putInt(30_000).put((byte) 16).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
