package dev.companion.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local server speaking the OpenAI wire protocol for images ({@code POST /v1/images/generations})
 * and vision chat completions ({@code POST /v1/chat/completions}), so the real client code runs.
 * Prompt words steer it: "slow" delays 4 s, "flaky" fails twice with 500, "url-mode" answers with a URL
 * on this server, "evil-url" with a URL on another host, "refuse" with a 400 policy error.
 */
public class FakeOpenAiResource implements QuarkusTestResourceLifecycleManager {

    public static final List<JsonNode> IMAGE_REQUESTS = new CopyOnWriteArrayList<>();
    public static final List<JsonNode> CHAT_REQUESTS = new CopyOnWriteArrayList<>();
    public static final List<String> AUTH_HEADERS = new CopyOnWriteArrayList<>();
    public static final AtomicInteger FILE_DOWNLOADS = new AtomicInteger();
    private static final Map<String, AtomicInteger> FLAKY = new ConcurrentHashMap<>();
    private static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpServer server;

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (server == null) {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.setExecutor(Executors.newCachedThreadPool());
                server.createContext("/v1/images/generations", FakeOpenAiResource::images);
                server.createContext("/v1/chat/completions", FakeOpenAiResource::chat);
                server.createContext("/files/", FakeOpenAiResource::file);
                server.start();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("companion.image.openai.base-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM
    }

    private static void images(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, "{\"error\":{\"message\":\"method\"}}");
            return;
        }
        AUTH_HEADERS.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        if (!"Bearer test-key".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        JsonNode req = JSON.readTree(ex.getRequestBody());
        IMAGE_REQUESTS.add(req);
        String prompt = req.path("prompt").asText();
        if (prompt.contains("slow")) {
            sleep(4000);
        }
        if (prompt.contains("flaky") && FLAKY.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet() <= 2) {
            send(ex, 500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}");
            return;
        }
        if (prompt.contains("refuse")) {
            send(ex, 400, "{\"error\":{\"message\":\"Your request was rejected by the safety system\",\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}");
            return;
        }
        String[] size = req.path("size").asText("1024x1024").split("x");
        byte[] png = png(Integer.parseInt(size[0]), Integer.parseInt(size[1]), new Color(20, 120, 200));
        ObjectNode item = JSON.createObjectNode();
        if (prompt.contains("url-mode")) {
            String id = "file" + FILES.size();
            FILES.put(id, png);
            item.put("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + id + ".png");
        } else if (prompt.contains("evil-url")) {
            item.put("url", "http://169.254.169.254/latest/meta-data/x.png");
        } else {
            item.put("b64_json", Base64.getEncoder().encodeToString(png));
        }
        item.put("revised_prompt", prompt);
        ObjectNode res = JSON.createObjectNode();
        res.put("created", System.currentTimeMillis() / 1000);
        res.putArray("data").add(item);
        send(ex, 200, JSON.writeValueAsString(res));
    }

    private static void file(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/files/".length()).replace(".png", "");
        byte[] png = FILES.get(name);
        FILE_DOWNLOADS.incrementAndGet();
        if (png == null) {
            send(ex, 404, "{}");
            return;
        }
        ex.getResponseHeaders().add("Content-Type", "image/png");
        ex.sendResponseHeaders(200, png.length);
        ex.getResponseBody().write(png);
        ex.close();
    }

    /** Vision: decodes the data URI it was sent and answers with facts about that very image. */
    private static void chat(HttpExchange ex) throws IOException {
        JsonNode req = JSON.readTree(ex.getRequestBody());
        CHAT_REQUESTS.add(req);
        String url = null;
        for (JsonNode m : req.path("messages")) {
            if (m.path("content").isArray()) {
                for (JsonNode part : m.path("content")) {
                    if ("image_url".equals(part.path("type").asText())) {
                        url = part.path("image_url").path("url").asText();
                    }
                }
            }
        }
        if (url == null || !url.startsWith("data:image/") || !"json_object".equals(req.path("response_format").path("type").asText())) {
            send(ex, 400, "{\"error\":{\"message\":\"expected an image_url data URI and json_object output\"}}");
            return;
        }
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("description", "A " + img.getWidth() + " by " + img.getHeight() + " picture seen by the fake vision model");
        ObjectNode data = answer.putObject("structuredData");
        data.put("width", img.getWidth());
        data.put("height", img.getHeight());
        data.putArray("features").add("Glass facade").add("Clean lines");
        answer.put("confidence", 0.92);
        ObjectNode res = JSON.createObjectNode();
        res.put("id", "chatcmpl-fake");
        res.put("object", "chat.completion");
        res.put("model", req.path("model").asText());
        ObjectNode choice = res.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", JSON.writeValueAsString(answer));
        choice.put("finish_reason", "stop");
        send(ex, 200, JSON.writeValueAsString(res));
    }

    static byte[] png(int w, int h, Color color) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
