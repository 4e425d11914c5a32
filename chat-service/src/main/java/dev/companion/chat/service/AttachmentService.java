package dev.companion.chat.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.companion.chat.client.ImageServiceClient;
import dev.companion.chat.client.ProviderRequest.ContentPart;
import dev.companion.chat.config.ChatConfig;
import dev.companion.chat.model.MessageAttachment;
import dev.companion.chat.repository.MessageAttachmentRepository;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.client.OwnerLookup;
import dev.companion.common.id.Ids;
import dev.companion.common.web.RequestIds;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attachments of a prompt (seed 000 {@code attachments}), checked one by one and turned into what the model
 * sees. Each is an object, one of:
 * <ul>
 *   <li>{@code {imageId, detail?}}: an image of the caller's library; image-service is asked with the caller's
 *   token (another user's image is 404), the original is read from its presigned URL;</li>
 *   <li>{@code {type: "image/png|jpeg|webp|gif", name?, data: base64, detail?}}: an image uploaded with the prompt;</li>
 *   <li>{@code {type: "text/…" or a JSON/XML/YAML type, name?, data: the text}}: a text file.</li>
 * </ul>
 * Images go to vision models only, within a byte and a pixel budget, as base64 data URLs ({@code image_url}
 * parts); text files within a character budget, as text parts. Failures name {@code attachments[i]}.
 * The message keeps descriptors ({@code type, name, imageId, bytes, width, height, chars}); the model-ready
 * content is stored in {@code message_attachment} with the prompt, so later turns and regenerations send it too.
 */
@ApplicationScoped
public class AttachmentService {

    static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/webp", "image/gif");
    static final Set<String> TEXT_APPLICATION_TYPES = Set.of("application/json", "application/xml", "application/x-yaml",
            "application/yaml", "application/javascript", "application/x-ndjson", "application/sql", "application/x-sh");
    static final String ACCEPTED = "image/png, image/jpeg, image/webp, image/gif (imageId or base64 data), text/*, "
            + String.join(", ", TEXT_APPLICATION_TYPES.stream().sorted().toList());
    private static final Set<String> DETAILS = Set.of("auto", "low", "high");
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

    /** One checked attachment: its descriptor (stored on the message) and its part for the model. */
    public record Checked(ObjectNode descriptor, String kind, String mediaType, String name, String detail, String content, int tokens) {
    }

    /** The checked attachments of a prompt, in order; {@code descriptors} is null when the prompt has none. */
    public record Prepared(List<Checked> items) {
        public static final Prepared NONE = new Prepared(List.of());

        public String descriptorsJson(ObjectMapper json) {
            if (items.isEmpty()) {
                return null;
            }
            return json.createArrayNode().addAll(items.stream().map(Checked::descriptor).map(JsonNode.class::cast).toList()).toString();
        }
    }

    private final ImageServiceClient images;
    private final MessageAttachmentRepository stored;
    private final ChatConfig config;
    private final ObjectMapper json;
    private final Vertx vertx;
    private volatile HttpClient http;

    public AttachmentService(@RestClient ImageServiceClient images, MessageAttachmentRepository stored, ChatConfig config,
                             ObjectMapper json, Vertx vertx) {
        this.images = images;
        this.stored = stored;
        this.config = config;
        this.json = json;
        this.vertx = vertx;
    }

    /**
     * Checks every attachment for a prompt to {@code model} and reads what it refers to. {@code bearer} is the
     * caller's {@code Authorization} (for image-service). Fails with the first bad attachment.
     */
    public Uni<Prepared> prepare(List<JsonNode> attachments, String model, String bearer) {
        if (attachments == null || attachments.isEmpty()) {
            return Uni.createFrom().item(Prepared.NONE);
        }
        boolean vision = config.models().containsKey(model) && config.models().get(model).vision();
        String requestId = RequestIds.current();
        Uni<List<Checked>> all = Uni.createFrom().item(new ArrayList<>());
        for (int i = 0; i < attachments.size(); i++) {
            int index = i;
            JsonNode a = attachments.get(i);
            all = all.flatMap(list -> check(index, a, model, vision, bearer, requestId).map(c -> {
                list.add(c);
                return list;
            }));
        }
        return all.map(Prepared::new);
    }

    /** Stores the model-ready content of a prompt's attachments (in the send's transaction). */
    public Uni<Void> store(String messageId, Prepared prepared) {
        if (prepared.items().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<MessageAttachment> rows = new ArrayList<>();
        for (int i = 0; i < prepared.items().size(); i++) {
            Checked c = prepared.items().get(i);
            MessageAttachment m = new MessageAttachment();
            m.id = Ids.newId("att");
            m.messageId = messageId;
            m.position = i;
            m.kind = c.kind();
            m.mediaType = c.mediaType();
            m.name = c.name();
            m.detail = c.detail();
            m.content = c.content();
            m.tokens = c.tokens();
            m.createdAt = now;
            rows.add(m);
        }
        return stored.persist(rows);
    }

    /**
     * The content parts of these prompts, by message id (in the caller's session). Image parts go only to a
     * vision model; for another model an image is a short text part saying it was left out.
     */
    public Uni<Map<String, List<ContentPart>>> partsOf(Collection<String> messageIds, boolean vision) {
        return stored.ofMessages(messageIds).map(rows -> {
            Map<String, List<ContentPart>> out = new HashMap<>();
            for (MessageAttachment r : rows) {
                ContentPart part;
                if (MessageAttachment.KIND_IMAGE.equals(r.kind)) {
                    part = vision ? ContentPart.image(r.content, detailOf(r), r.tokens)
                            : ContentPart.text("[An image" + (r.name == null ? "" : " (" + r.name + ")")
                            + " was attached here; this model cannot see images]");
                } else {
                    part = ContentPart.text(textPart(r.name, r.mediaType, r.content));
                }
                out.computeIfAbsent(r.messageId, k -> new ArrayList<>()).add(part);
            }
            return out;
        });
    }

    /** How a text file reaches the model: a header naming it, then its text. */
    static String textPart(String name, String mediaType, String text) {
        return "Attached file" + (name == null ? "" : " " + name) + " (" + mediaType + "):\n" + text;
    }

    private Uni<Checked> check(int i, JsonNode a, String model, boolean vision, String bearer, String requestId) {
        return Uni.createFrom().deferred(() -> {
            String field = "attachments[" + i + "]";
            if (a == null || !a.isObject()) {
                throw invalid(field, "object", null, field + " must be an object {type, name, data} or {imageId}");
            }
            String name = optionalText(a, "name", field);
            if (name != null && name.length() > 255) {
                throw invalid(field, "maxNameLength", 255, field + ".name may be at most 255 characters");
            }
            String type = optionalText(a, "type", field);
            String detail = optionalText(a, "detail", field);
            if (detail != null && !DETAILS.contains(detail)) {
                throw invalid(field, "detail", "auto|low|high", field + ".detail must be auto, low or high");
            }
            JsonNode imageId = a.get("imageId");
            if (imageId != null && !imageId.isNull()) {
                if (!imageId.isTextual() || imageId.asText().isBlank() || imageId.asText().length() > 64) {
                    throw invalid(field, "imageId", null, field + ".imageId must be the id of an image of your library");
                }
                if (type != null && !IMAGE_TYPES.contains(type.toLowerCase())) {
                    throw invalid(field, "type", ACCEPTED, field + " has an imageId but type " + type);
                }
                requireVision(field, model, vision);
                return libraryImage(field, imageId.asText(), name, detail, bearer, requestId);
            }
            if (type == null) {
                throw invalid(field, "type", ACCEPTED, field + ".type is required (a MIME type) unless it has an imageId");
            }
            String mediaType = type.toLowerCase().split(";", 2)[0].strip();
            JsonNode data = a.get("data");
            if (data == null || !data.isTextual()) {
                throw invalid(field, "data", null, field + ".data is required: base64 for an image, the text of a text file");
            }
            if (IMAGE_TYPES.contains(mediaType)) {
                requireVision(field, model, vision);
                return inlineImage(field, mediaType, data.asText(), name, detail);
            }
            if (mediaType.startsWith("text/") || TEXT_APPLICATION_TYPES.contains(mediaType)) {
                return Uni.createFrom().item(textFile(field, mediaType, data.asText(), name));
            }
            throw invalid(field, "type", ACCEPTED, field + " has type " + type + "; accepted are " + ACCEPTED);
        });
    }

    private Checked textFile(String field, String mediaType, String text, String name) {
        int max = config.attachments().maxTextChars();
        if (text.length() > max) {
            throw invalid(field, "maxLength", max, field + " is " + text.length() + " characters of text; at most " + max + " are accepted");
        }
        if (text.indexOf('\0') >= 0) {
            throw invalid(field, "type", ACCEPTED, field + " is not text (it contains NUL characters)");
        }
        ObjectNode d = json.createObjectNode().put("type", mediaType);
        if (name != null) {
            d.put("name", name);
        }
        d.put("chars", text.length());
        return new Checked(d, MessageAttachment.KIND_TEXT, mediaType, name, null, text, 0);
    }

    private Uni<Checked> inlineImage(String field, String declared, String base64, String name, String detail) {
        return onWorker(() -> {
            byte[] bytes;
            try {
                // strict: only the base64 alphabet (line breaks allowed); a lenient decoder would skip junk
                bytes = Base64.getDecoder().decode(WHITESPACE.matcher(stripDataUrl(base64)).replaceAll(""));
            } catch (IllegalArgumentException e) {
                throw invalid(field, "base64", null, field + ".data is not valid base64");
            }
            return image(field, declared, bytes, name, detail, null);
        });
    }

    private Uni<Checked> libraryImage(String field, String imageId, String name, String detail, String bearer, String requestId) {
        return OwnerLookup.ask("image-service", "image", imageId, () -> images.image(imageId, bearer, requestId))
                .onFailure(ApiException.class).transform(e -> {
                    ApiException api = (ApiException) e;
                    if (api.code() == ErrorCode.NOT_FOUND) {
                        Map<String, Object> d = new LinkedHashMap<>(api.details());
                        d.put("field", field);
                        return new ApiException(ErrorCode.NOT_FOUND, field + ": image " + imageId + " not found", d);
                    }
                    return api;
                })
                .flatMap(envelope -> {
                    ImageServiceClient.Image image = envelope == null ? null : envelope.data();
                    if (image == null || image.url() == null) {
                        return Uni.createFrom().failure(ApiException.notFound("image", imageId));
                    }
                    int maxBytes = config.attachments().maxImageBytes();
                    if (image.bytes() != null && image.bytes() > maxBytes) {
                        return Uni.createFrom().failure(invalid(field, "maxBytes", maxBytes,
                                field + " is an image of " + image.bytes() + " bytes; at most " + maxBytes + " are accepted"));
                    }
                    checkPixels(field, image.width() == null ? 0 : image.width(), image.height() == null ? 0 : image.height());
                    return fetch(image.url(), maxBytes, field, imageId)
                            .flatMap(bytes -> onWorker(() -> image(field, null, bytes, name, detail, imageId)));
                });
    }

    /** Reads a presigned original, refusing it past {@code maxBytes}. */
    private Uni<byte[]> fetch(String url, int maxBytes, String field, String imageId) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(10_000);
        config.attachments().storageEndpoint().ifPresent(endpoint -> {
            // the URL is signed for the public endpoint (its Host header stays); the bytes come from where S3 really is
            boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
            int port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
            options.setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, endpoint.getHost())).setSsl(tls);
        });
        return Uni.createFrom().completionStage(() -> client().request(options)
                        .compose(req -> req.send())
                        .compose(resp -> {
                            if (resp.statusCode() != 200) {
                                return io.vertx.core.Future.failedFuture(new IllegalStateException("storage answered " + resp.statusCode()));
                            }
                            String length = resp.getHeader("Content-Length");
                            if (length != null && Long.parseLong(length) > maxBytes) {
                                return io.vertx.core.Future.<io.vertx.core.buffer.Buffer>failedFuture(invalid(field, "maxBytes", maxBytes,
                                        field + " is an image of " + length + " bytes; at most " + maxBytes + " are accepted"));
                            }
                            return resp.body();
                        })
                        .toCompletionStage())
                .map(buffer -> {
                    if (buffer.length() > maxBytes) {
                        throw invalid(field, "maxBytes", maxBytes, field + " is an image of " + buffer.length() + " bytes; at most "
                                + maxBytes + " are accepted");
                    }
                    return buffer.getBytes();
                })
                .onFailure(t -> !(t instanceof ApiException))
                .transform(t -> ApiException.unavailable("image storage", "image", imageId, 2));
    }

    /** Checks an image's bytes (type, size, pixels) and makes its data URL part. */
    private Checked image(String field, String declared, byte[] bytes, String name, String detail, String imageId) {
        int maxBytes = config.attachments().maxImageBytes();
        if (bytes.length > maxBytes) {
            throw invalid(field, "maxBytes", maxBytes, field + " is an image of " + bytes.length + " bytes; at most " + maxBytes + " are accepted");
        }
        ImageHeaders.Info info = ImageHeaders.read(bytes);
        if (info == null || (declared != null && !declared.equals(info.mediaType()))) {
            throw invalid(field, "type", ACCEPTED, field + " is not a " + (declared == null ? "PNG, JPEG, WebP or GIF image" : declared + " image"));
        }
        checkPixels(field, info.width(), info.height());
        String usedDetail = detail == null ? config.attachments().imageDetail() : detail;
        ObjectNode d = json.createObjectNode().put("type", info.mediaType());
        if (imageId != null) {
            d.put("imageId", imageId);
        }
        if (name != null) {
            d.put("name", name);
        }
        d.put("bytes", bytes.length);
        if (info.width() > 0) {
            d.put("width", info.width()).put("height", info.height());
        }
        if (detail != null) {
            d.put("detail", detail);
        }
        String dataUrl = "data:" + info.mediaType() + ";base64," + Base64.getEncoder().encodeToString(bytes);
        return new Checked(d, MessageAttachment.KIND_IMAGE, info.mediaType(), name, usedDetail, dataUrl,
                TokenCounter.imageTokens(info.width(), info.height(), usedDetail));
    }

    private void checkPixels(String field, int width, int height) {
        long max = config.attachments().maxImagePixels();
        if ((long) width * height > max) {
            throw invalid(field, "maxPixels", max, field + " is " + width + "×" + height + " pixels; at most " + max + " pixels are accepted");
        }
    }

    private static void requireVision(String field, String model, boolean vision) {
        if (!vision) {
            throw invalid(field, "visionModel", model, field + " is an image, and the chat's model " + model + " does not take images");
        }
    }

    private static String optionalText(JsonNode a, String key, String field) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field, key, null, field + "." + key + " must be a string");
        }
        return v.asText();
    }

    /** A client may send {@code data:image/png;base64,…}: only the base64 counts. */
    private static String stripDataUrl(String data) {
        if (data.startsWith("data:")) {
            int comma = data.indexOf(',');
            return comma < 0 ? "" : data.substring(comma + 1);
        }
        return data;
    }

    private String detailOf(MessageAttachment r) {
        return r.detail == null ? config.attachments().imageDetail() : r.detail;
    }

    static ApiException invalid(String field, String constraint, Object value, String message) {
        return ApiException.validation(field, constraint, value, message);
    }

    /** Base64 work off the event loop; the result comes back on the caller's context. */
    private <T> Uni<T> onWorker(java.util.concurrent.Callable<T> work) {
        io.vertx.core.Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().item(() -> {
                try {
                    return work.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return Uni.createFrom().completionStage(() -> context.executeBlocking(work, false).toCompletionStage());
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setMaxPoolSize(20));
                }
                c = http;
            }
        }
        return c;
    }
}
