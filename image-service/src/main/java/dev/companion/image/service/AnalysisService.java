package dev.companion.image.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorCode;
import dev.companion.common.id.Ids;
import dev.companion.common.image.ImageHeader;
import dev.companion.image.client.AnalysisRequest;
import dev.companion.image.client.AnalysisResult;
import dev.companion.image.client.ImageAnalyzer;
import dev.companion.image.client.ImageStorage;
import dev.companion.image.client.OfflineImageAnalyzer;
import dev.companion.image.client.OpenAiVisionClient;
import dev.companion.image.client.ProviderException;
import dev.companion.image.config.ImageConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Image analysis: the upload is checked by content (magic bytes), by size in bytes, by pixel count and by
 * decoded size (width × height × bytes per pixel) read from the header before anything is decoded (a
 * decompression bomb is refused unread), then handed to the configured analyzer. Reading, decoding and
 * analysing run on {@link ImageWork} (bounded; full → 503 + Retry-After), never on the event loop.
 */
@ApplicationScoped
public class AnalysisService {

    private static final Set<String> DETAIL = Set.of("basic", "detailed", "expert");
    private static final Set<String> FOCUS = Set.of("general", "text", "colors", "objects", "architecture");
    private static final Set<String> OUTPUT = Set.of("description", "structured", "both");
    private static final Set<String> PROVIDERS = Set.of("offline", "openai");

    private final ImageConfig config;
    private final ImageLibraryService library;
    private final ImageStorage storage;
    private final KnownChats knownChats;
    private final OfflineImageAnalyzer offline;
    private final OpenAiVisionClient vision;
    private final ObjectMapper mapper;
    private final ImageWork work;
    private final AtomicLong decodes = new AtomicLong();

    public AnalysisService(ImageConfig config, ImageLibraryService library, ImageStorage storage, KnownChats knownChats,
                           OfflineImageAnalyzer offline, OpenAiVisionClient vision, ObjectMapper mapper, ImageWork work) {
        this.config = config;
        this.library = library;
        this.storage = storage;
        this.knownChats = knownChats;
        this.offline = offline;
        this.vision = vision;
        this.mapper = mapper;
        this.work = work;
    }

    /** Decodes started so far (tests check that a refused image never got this far). */
    public long decodes() {
        return decodes.get();
    }

    /** Options of the seed ({@code detailLevel, focus, outputFormat}) plus an optional {@code provider}. */
    public record Options(String detailLevel, String focus, String outputFormat, String provider) {
    }

    public record Analysis(String description, Map<String, Object> structuredData, double confidence) {
    }

    public record Result(String id, String imageId, String provider, Analysis analysis) {
    }

    /** An upload already on disk (the multipart body), or null when the caller names an imageId. */
    public record Upload(java.nio.file.Path file, long size) {
    }

    public Uni<Result> analyze(String userId, Upload upload, String imageId, String question, String chatId, String optionsJson,
                                    String bearer) {
        Options options = parseOptions(optionsJson);
        if ((upload == null) == (imageId == null || imageId.isBlank())) {
            throw ApiException.validation("image", "required", null, "Send exactly one of image (a file) or imageId");
        }
        if (question != null && question.length() > 2000) {
            throw ApiException.validation("question", "maxLength", 2000, "question must be at most 2000 characters");
        }
        if (upload != null && upload.size() > config.analysis().maxBytes()) {
            throw tooLarge("maxBytes", config.analysis().maxBytes(), "image is larger than " + config.analysis().maxBytes() + " bytes");
        }
        Uni<Void> chatCheck = knownChats.ensureOwned(chatId, userId, bearer);
        // the bytes are read inside the bounded work, so a request waiting for a thread holds no image
        Uni<AnalysisResult> result = upload != null
                ? chatCheck.flatMap(x -> work.submit(() -> run(java.nio.file.Files.readAllBytes(upload.file()), "image", question, options)))
                : chatCheck.flatMap(x -> library.owned(userId, imageId))
                        .flatMap(img -> work.submit(() -> run(storage.get(img.storageKey), "imageId", question, options)));
        return result
                .map(r -> new Result(Ids.newId("img_analysis"), imageId == null || imageId.isBlank() ? null : imageId,
                        r.provider(), new Analysis(r.description(),
                        "description".equals(options.outputFormat()) ? null : r.structuredData(), r.confidence())));
    }

    /** On the bounded work: checks the bytes, reads the header, decodes within budget, analyses. */
    private AnalysisResult run(byte[] bytes, String field, String question, Options options) {
        if (bytes.length > config.analysis().maxBytes()) {
            throw tooLarge("maxBytes", config.analysis().maxBytes(), "image is larger than " + config.analysis().maxBytes() + " bytes");
        }
        String format = RenderedImages.sniffFormat(bytes);
        if (format == null || "webp".equals(format)) {
            throw ApiException.validation("image", "imageType", "png|jpeg|gif", "image must be a PNG, JPEG or GIF (checked by content)");
        }
        BufferedImage image = decodeWithinLimits(bytes, format, field);
        AnalysisRequest req = new AnalysisRequest(bytes, format, image, question, options.detailLevel(), options.focus(), options.outputFormat());
        ImageAnalyzer analyzer = "openai".equals(options.provider()) ? vision : offline;
        try {
            return analyzer.analyze(req);
        } catch (CircuitBreakerOpenException e) {
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Vision provider temporarily unavailable");
        } catch (ProviderException e) {
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Vision provider failed: " + e.getMessage());
        }
    }

    /**
     * Reads width, height and bits per pixel from the header; decodes only when the pixel count and the
     * decoded size (width × height × bytes per pixel) are within their limits.
     */
    private BufferedImage decodeWithinLimits(byte[] bytes, String format, String field) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw ApiException.validation("image", "imageType", "png|jpeg|gif", "no decoder for " + format);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageHeader header = ImageHeader.read(reader);
                long w = header.width();
                long h = header.height();
                if (w <= 0 || h <= 0) {
                    throw ApiException.validation("image", "imageType", "png|jpeg|gif", "image has no pixels");
                }
                if (w * h > config.analysis().maxPixels()) {
                    throw tooLarge("maxPixels", config.analysis().maxPixels(),
                            "image has " + (w * h) + " pixels, more than " + config.analysis().maxPixels());
                }
                long maxDecoded = config.limits().maxDecodedBytes();
                if (header.exceeds(maxDecoded)) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("field", field);
                    d.put("constraint", "maxDecodedBytes");
                    d.put("value", maxDecoded);
                    d.putAll(header.facts());
                    throw new ApiException(ErrorCode.VALIDATION_ERROR, "image is " + header.describe() + ", more than the "
                            + maxDecoded + " bytes one image may take", d);
                }
                decodes.incrementAndGet();
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw ApiException.validation("image", "imageType", "png|jpeg|gif", "image could not be decoded");
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.validation("image", "imageType", "png|jpeg|gif", "image is corrupt or truncated");
        }
    }

    private Options parseOptions(String json) {
        String detail = "detailed";
        String focus = "general";
        String output = "both";
        String provider = config.analysis().defaultProvider();
        if (json != null && !json.isBlank()) {
            JsonNode n;
            try {
                n = mapper.readTree(json);
            } catch (JsonProcessingException e) {
                throw ApiException.validation("options", "json", null, "options must be a JSON object");
            }
            if (!n.isObject()) {
                throw ApiException.validation("options", "json", null, "options must be a JSON object");
            }
            var names = n.fieldNames();
            while (names.hasNext()) {
                String f = names.next();
                if (!Set.of("detailLevel", "focus", "outputFormat", "provider").contains(f)) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("field", "options." + f);
                    d.put("constraint", "unknownField");
                    throw new ApiException(ErrorCode.VALIDATION_ERROR, "Unknown field: options." + f, d);
                }
            }
            detail = pick(n, "detailLevel", DETAIL, detail);
            focus = pick(n, "focus", FOCUS, focus);
            output = pick(n, "outputFormat", OUTPUT, output);
            provider = pick(n, "provider", PROVIDERS, provider);
        }
        return new Options(detail, focus, output, provider);
    }

    private static String pick(JsonNode n, String field, Set<String> allowed, String fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            throw ApiException.validation("options." + field, "enum", String.join("|", allowed.stream().sorted().toList()),
                    "options." + field + " must be one of " + allowed.stream().sorted().toList());
        }
        return v.asText();
    }

    private static ApiException tooLarge(String constraint, long limit, String message) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("field", "image");
        d.put("constraint", constraint);
        d.put("value", limit);
        return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, message, d);
    }
}
