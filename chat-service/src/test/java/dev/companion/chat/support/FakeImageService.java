package dev.companion.chat.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.companion.common.id.Ids;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * image-service at the wire, for attachments by {@code imageId}: {@code GET /v1/images/{id}} answers the real
 * envelope ({@code ImageView}: {@code url}, {@code format}, {@code width}, {@code height}, {@code bytes}) for
 * an image the token's subject owns, 404 in the envelope otherwise; {@code url} points at
 * {@code /objects/{id}} here, standing in for the presigned S3 URL, which serves the original's bytes.
 * Also sets the small budgets {@code PersonalisationTest} exercises (memory tokens, text characters).
 */
public class FakeImageService implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpServer server;
    private static final Map<String, Stored> IMAGES = new ConcurrentHashMap<>();
    private static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();
    private static final List<String> OBJECT_HOSTS = new CopyOnWriteArrayList<>();
    /** The host presigned URLs are signed for (like S3_PUBLIC_ENDPOINT): not reachable, chat-service connects to the storage endpoint. */
    public static final String PUBLIC_HOST = "storage.public.invalid:9000";

    public record Stored(String id, String userId, byte[] bytes, int width, int height) {
    }

    /** A real PNG of the given size, stored as the user's image; returns it. */
    public static Stored addImage(String userId, int width, int height) {
        Stored s = new Stored(Ids.newId("img"), userId, png(width, height), width, height);
        IMAGES.put(s.id(), s);
        return s;
    }

    /** The {@code Host} header of every object read (must stay the signed, public one). */
    public static List<String> objectHosts() {
        return List.copyOf(OBJECT_HOSTS);
    }

    /** Every {@code Authorization} image-service was asked with. */
    public static List<String> authorizations() {
        return List.copyOf(AUTHORIZATIONS);
    }

    public static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0x336699));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.ORANGE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    @Override
    public synchronized Map<String, String> start() {
        try {
            if (server == null) {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.setExecutor(Executors.newCachedThreadPool());
                server.createContext("/v1/images/", FakeImageService::image);
                server.createContext("/objects/", FakeImageService::object);
                server.start();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.rest-client.image-service.url", base());
        c.put("companion.chat.attachments.storage-endpoint", base());
        c.put("companion.chat.memories.token-budget", "60");
        c.put("companion.chat.attachments.max-text-chars", "1000");
        c.put("companion.chat.attachments.max-image-pixels", "1000000");
        return c;
    }

    private static String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void stop() {
        // shared by the test classes of the JVM that use it
    }

    private static void image(HttpExchange ex) throws IOException {
        try (ex) {
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            AUTHORIZATIONS.add(String.valueOf(authorization));
            String user = subject(authorization);
            Stored s = IMAGES.get(ex.getRequestURI().getPath().substring("/v1/images/".length()));
            if (user == null) {
                reply(ex, 401, Map.of("success", false, "error", Map.of("code", "UNAUTHORIZED", "message", "no token")));
                return;
            }
            if (s == null || !s.userId().equals(user)) {
                reply(ex, 404, Map.of("success", false, "error", Map.of("code", "NOT_FOUND", "message", "image not found")));
                return;
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", s.id());
            view.put("url", "http://" + PUBLIC_HOST + "/objects/" + s.id() + "?X-Amz-Signature=test");
            view.put("thumbnailUrl", base() + "/objects/" + s.id() + "?thumb");
            view.put("size", s.width() + "x" + s.height());
            view.put("format", "png");
            view.put("createdAt", "2026-01-01T00:00:00Z");
            view.put("width", s.width());
            view.put("height", s.height());
            view.put("bytes", s.bytes().length);
            view.put("storageKey", "users/" + s.userId() + "/" + s.id() + ".png");
            reply(ex, 200, Map.of("success", true, "data", view));
        }
    }

    private static void object(HttpExchange ex) throws IOException {
        try (ex) {
            OBJECT_HOSTS.add(String.valueOf(ex.getRequestHeaders().getFirst("Host")));
            Stored s = IMAGES.get(ex.getRequestURI().getPath().substring("/objects/".length()));
            if (s == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "image/png");
            ex.sendResponseHeaders(200, s.bytes().length);
            ex.getResponseBody().write(s.bytes());
        }
    }

    private static void reply(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static String subject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).split("\\.");
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return claims.path("sub").asText(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
