package dev.companion.download.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.companion.common.api.ApiException;
import dev.companion.common.api.ErrorResponse;
import dev.companion.common.api.PageRequest;
import dev.companion.common.api.Pagination;
import dev.companion.common.id.Ids;
import dev.companion.common.outbox.Outbox;
import dev.companion.download.client.ObjectStore;
import dev.companion.download.config.DownloadConfig;
import dev.companion.download.model.Download;
import dev.companion.download.model.DownloadFile;
import dev.companion.download.model.ImageRef;
import dev.companion.download.model.OutputFormat;
import dev.companion.download.repository.BlockingDb;
import dev.companion.download.repository.ChatRefRepository;
import dev.companion.download.repository.DownloadFileRepository;
import dev.companion.download.repository.DownloadRepository;
import dev.companion.download.repository.ImageRefRepository;
import dev.companion.download.repository.ProjectRefRepository;
import dev.companion.events.DownloadFailed;
import dev.companion.events.DownloadReady;
import dev.companion.events.ErrorInfo;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Single downloads, bulk bundles (in the request when small, in the background when large), status
 * and history. Runs on worker threads: conversion and S3 block; the database is reached through
 * {@link BlockingDb}. Every image is checked to be the caller's before anything is produced.
 */
@ApplicationScoped
public class DownloadService {

    private static final Logger LOG = Logger.getLogger(DownloadService.class);
    private static final int DEFAULT_QUALITY = 90;

    private final BlockingDb db;
    private final ImageRefRepository images;
    private final ProjectRefRepository projects;
    private final ChatRefRepository chats;
    private final DownloadRepository downloads;
    private final DownloadFileRepository files;
    private final ObjectStore store;
    private final ImageConverter converter;
    private final ZipBundler zipper;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final DownloadConfig config;
    private final ExecutorService jobs;
    private final ExecutorService fetches;
    private final KnownRefs known;
    private final ConversionWork conversions;

    public DownloadService(BlockingDb db, ImageRefRepository images, ProjectRefRepository projects,
                           ChatRefRepository chats, DownloadRepository downloads, DownloadFileRepository files,
                           ObjectStore store, ImageConverter converter, ZipBundler zipper, Outbox outbox,
                           ObjectMapper mapper, DownloadConfig config, KnownRefs known, ConversionWork conversions) {
        this.db = db;
        this.conversions = conversions;
        this.known = known;
        this.images = images;
        this.projects = projects;
        this.chats = chats;
        this.downloads = downloads;
        this.files = files;
        this.store = store;
        this.converter = converter;
        this.zipper = zipper;
        this.outbox = outbox;
        this.mapper = mapper;
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.jobs = Executors.newFixedThreadPool(Math.max(1, config.workerThreads()), r -> {
            Thread t = new Thread(r, "bundle-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // S3 reads ahead of the entry being written: the window of every bundle that may run at once
        // (background jobs plus as many synchronous ones)
        AtomicInteger f = new AtomicInteger();
        this.fetches = Executors.newFixedThreadPool(Math.max(1, config.bundlePrefetch()) * Math.max(2, 2 * config.workerThreads()), r -> {
            Thread t = new Thread(r, "bundle-fetch-" + f.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** An image with the names its file name and folder may use. */
    record Named(ImageRef image, String projectName, String chatName) {
        BundleNaming.Source source() {
            return new BundleNaming.Source(image.id, projectName, chatName, image.prompt, image.createdAt);
        }
    }

    /** What a bundle produced. */
    record Built(String objectKey, String fileName, long totalSize, int fileCount, List<DownloadFile> files) {
    }

    /** A bulk answer and whether it is still processing (202) or ready (200). */
    public record BulkResult(DownloadResults.BulkDownload view, boolean processing) {
    }

    // ---------------------------------------------------------------- single

    public DownloadResults.SingleDownload single(String userId, String imageId, DownloadOrders.Single request, String bearer) {
        DownloadOrders.Single r = request == null ? new DownloadOrders.Single(null, null, null, null, null) : request;
        OutputFormat format = OutputFormat.parse(r.format() == null ? "png" : r.format());
        ImageConverter.Options options = new ImageConverter.Options(format,
                r.quality() == null ? DEFAULT_QUALITY : r.quality(), r.width(), r.height(), Boolean.TRUE.equals(r.upscale()));
        known.ensureImages(userId, List.of(imageId), bearer);
        Named named = load(userId, List.of(imageId)).get(0);

        String id = Ids.newId("dl");
        String fileName = new BundleNaming(BundleNaming.DEFAULT_PATTERN, BundleNaming.Folders.FLAT, format)
                .pathFor(named.source(), 1);
        byte[] bytes = convert(named.image(), options, "imageId", false);
        String key = "single/" + id + "/" + fileName;
        store.putDownload(key, bytes, format.contentType());

        Instant now = Instant.now();
        Download d = new Download();
        d.id = id;
        d.userId = userId;
        d.type = Download.SINGLE;
        d.status = Download.READY;
        d.format = format.extension();
        d.fileName = fileName;
        d.objectKey = key;
        d.size = (long) bytes.length;
        d.fileCount = 1;
        d.totalSize = bytes.length;
        d.imageId = named.image().id;
        d.chatId = named.image().chatId;
        d.projectId = named.image().projectId;
        d.createdAt = now;
        d.completedAt = now;
        d.expiresAt = now.plus(config.linkTtl());
        db.transaction(() -> downloads.persist(d));
        return new DownloadResults.SingleDownload(id, store.presign(key, config.linkTtl(), fileName),
                ErrorResponse.Timestamps.format(d.expiresAt), bytes.length, d.format, fileName);
    }

    // ------------------------------------------------------------------ bulk

    public BulkResult bulk(String userId, DownloadOrders.Bulk request, String bearer) {
        String unknown = BundleNaming.unknownToken(request.namingPattern());
        if (unknown != null) {
            throw ApiException.validation("namingPattern", "pattern", String.join(" ",
                    BundleNaming.TOKENS.stream().map(t -> "{" + t + "}").toList()), "Unknown token " + unknown);
        }
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(request.imageIds()));
        BulkOptions options = new BulkOptions(ids, request.format() == null ? "png" : request.format(),
                request.quality() == null ? DEFAULT_QUALITY : request.quality(), request.width(), request.height(),
                request.createZip() == null || request.createZip(),
                request.folderStructure() == null ? "flat" : request.folderStructure(), request.namingPattern(),
                Boolean.TRUE.equals(request.upscale()));
        known.ensureImages(userId, ids, bearer);
        List<Named> named = load(userId, ids);

        String id = Ids.newId("dl");
        Instant now = Instant.now();
        Download d = new Download();
        d.id = id;
        d.userId = userId;
        d.type = Download.BULK;
        d.format = OutputFormat.parse(options.format()).extension();
        d.fileCount = ids.size();
        d.createdAt = now;
        d.chatId = common(named, n -> n.image().chatId);
        d.projectId = common(named, n -> n.image().projectId);
        if (ids.size() > config.syncMaxImages()) {
            d.status = Download.PROCESSING;
            d.request = json(options);
            persistQueued(d);
            jobs.submit(() -> finishInBackground(id, userId, options));
            return new BulkResult(new DownloadResults.BulkDownload(id, d.status, null, null, d.fileCount, 0, d.format,
                    null, null), true);
        }
        Built built = build(id, named, options, false);
        d.status = Download.READY;
        apply(d, built, Instant.now());
        db.transaction(() -> downloads.persist(d)
                .flatMap(x -> persistFiles(built.files())));
        return new BulkResult(bulkView(d, built.files()), false);
    }

    /** The background half of a large bundle: build it, then record ready (or failed) and tell the user. */
    void finishInBackground(String id, String userId, BulkOptions options) {
        try {
            List<Named> named = load(userId, options.imageIds());
            Built built = build(id, named, options, true);
            boolean recorded = db.transaction(() -> downloads.findById(id).flatMap(d -> {
                if (d == null || !Download.PROCESSING.equals(d.status) || d.deleted) {
                    return Uni.createFrom().item(false);
                }
                apply(d, built, Instant.now());
                d.status = Download.READY;
                DownloadResults.BulkDownload view = bulkView(d, built.files());
                return persistFiles(built.files())
                        .flatMap(x -> outbox.publish(new DownloadReady(id, d.type, view.downloadUrl(), view.expiresAt(),
                                d.fileCount, d.totalSize, d.format, eventFiles(view.files())), userId))
                        .replaceWith(true);
            }));
            if (!recorded) {
                // declared failed (stuck) or deleted meanwhile: the objects must not outlive the row
                deleteObjects(built);
            }
        } catch (Exception e) {
            ApiException api = e instanceof ApiException a ? a : null;
            String code = api != null ? api.code().name() : "SERVER_ERROR";
            String message = api != null ? api.getMessage() : "The bundle could not be built";
            LOG.warnf(e, "bundle %s failed", id);
            fail(id, userId, code, message);
        }
    }

    /** Marks a processing bundle failed and publishes download.failed, in one transaction. */
    public void fail(String id, String userId, String code, String message) {
        db.transaction(() -> downloads.findById(id).flatMap(d -> {
            if (d == null || !Download.PROCESSING.equals(d.status)) {
                return Uni.createFrom().voidItem();
            }
            d.status = Download.FAILED;
            d.errorCode = code;
            d.errorMessage = message;
            d.completedAt = Instant.now();
            return outbox.publish(new DownloadFailed(id, new ErrorInfo(code, message)), userId).replaceWithVoid();
        }));
    }

    /** {@code background}: the bundle is accepted already, so a full conversion pool is waited out, not a failure. */
    Built build(String id, List<Named> named, BulkOptions options, boolean background) {
        OutputFormat format = OutputFormat.parse(options.format());
        ImageConverter.Options convert = new ImageConverter.Options(format, options.quality(), options.width(),
                options.height(), options.upscale());
        BundleNaming naming = new BundleNaming(options.namingPattern(), BundleNaming.Folders.parse(options.folderStructure()), format);
        if (options.createZip()) {
            String zipName = "images-" + LocalDate.now(ZoneOffset.UTC) + ".zip";
            String key = "bulk/" + id + "/" + zipName;
            try (OriginalPrefetch originals = prefetch(named)) {
                long size = zipper.bundle(key, zip -> {
                    int index = 1;
                    for (Named n : named) {
                        byte[] original = next(originals, n);
                        zip.add(naming.pathFor(n.source(), index), convert(n.image(), () -> new ByteArrayInputStream(original),
                                convert, "imageIds[" + (index - 1) + "]", background));
                        index++;
                    }
                });
                return new Built(key, zipName, size, named.size(), List.of());
            } catch (IOException e) {
                throw new ObjectStore.StorageException("bundle " + id + " failed", e);
            }
        }
        List<DownloadFile> out = new ArrayList<>();
        long total = 0;
        int index = 1;
        try (OriginalPrefetch originals = prefetch(named)) {
            for (Named n : named) {
                String path = naming.pathFor(n.source(), index);
                byte[] original = next(originals, n);
                byte[] bytes = convert(n.image(), () -> new ByteArrayInputStream(original), convert,
                        "imageIds[" + (index - 1) + "]", background);
                String key = "bulk/" + id + "/" + path;
                store.putDownload(key, bytes, format.contentType());
                DownloadFile f = new DownloadFile();
                f.downloadId = id;
                f.position = index++;
                f.imageId = n.image().id;
                f.fileName = path;
                f.objectKey = key;
                f.size = bytes.length;
                out.add(f);
                total += bytes.length;
            }
        } catch (RuntimeException e) {
            // a half-made set of links is no download: nothing of it may stay in the bucket
            deleteObjects(new Built(null, null, total, out.size(), out));
            throw e;
        }
        return new Built(null, null, total, named.size(), out);
    }

    private Uni<Void> persistFiles(List<DownloadFile> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem() : files.persist(rows);
    }

    private void apply(Download d, Built built, Instant now) {
        d.objectKey = built.objectKey();
        d.fileName = built.fileName();
        d.totalSize = built.totalSize();
        d.size = built.totalSize();
        d.fileCount = built.fileCount();
        d.completedAt = now;
        d.expiresAt = now.plus(config.linkTtl());
    }

    private void deleteObjects(Built built) {
        try {
            if (built.objectKey() != null) {
                store.deleteDownload(built.objectKey());
            }
            for (DownloadFile f : built.files()) {
                store.deleteDownload(f.objectKey);
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not delete objects of an abandoned bundle: %s", e.getMessage());
        }
    }

    // -------------------------------------------------------- status/history

    public DownloadResults.DownloadStatus status(String userId, String id) {
        record Loaded(Download d, List<DownloadFile> files) {
        }
        Loaded loaded = db.read(() -> downloads.findOwned(userId, id).flatMap(d -> {
            if (d == null) {
                return Uni.createFrom().failure(ApiException.notFound("Download", id));
            }
            return files.ofDownload(id).map(f -> new Loaded(d, f));
        }));
        Download d = loaded.d();
        boolean expired = d.expiresAt != null && !d.expiresAt.isAfter(Instant.now());
        boolean usable = Download.READY.equals(d.status) && !expired && d.purgedAt == null;
        String url = usable && d.objectKey != null ? store.presign(d.objectKey, remaining(d), d.fileName) : null;
        List<DownloadResults.FileLink> links = loaded.files().isEmpty() ? null : loaded.files().stream()
                .map(f -> new DownloadResults.FileLink(f.imageId, f.fileName,
                        usable ? store.presign(f.objectKey, remaining(d), lastSegment(f.fileName)) : null, f.size))
                .toList();
        return new DownloadResults.DownloadStatus(d.id, d.type, d.status, d.format, d.fileName, url,
                ErrorResponse.Timestamps.format(d.expiresAt), expired, d.size, d.fileCount, d.totalSize, links,
                d.errorCode == null ? null : new DownloadResults.Failure(d.errorCode, d.errorMessage),
                ErrorResponse.Timestamps.format(d.createdAt), ErrorResponse.Timestamps.format(d.completedAt));
    }

    public DownloadResults.History history(String userId, PageRequest page) {
        record Page(List<Download> rows, long total) {
        }
        Page p = db.read(() -> downloads.history(userId, page.page() - 1, page.limit())
                .flatMap(rows -> downloads.countHistory(userId).map(total -> new Page(rows, total))));
        List<DownloadResults.HistoryEntry> entries = p.rows().stream().map(d -> new DownloadResults.HistoryEntry(d.id, d.type,
                d.fileName, d.size, ErrorResponse.Timestamps.format(d.createdAt),
                new DownloadResults.Source(d.imageId, d.chatId, d.projectId), d.status, d.format)).toList();
        return new DownloadResults.History(entries, Pagination.of(page, p.total()));
    }

    // --------------------------------------------------------------- helpers

    /** The caller's images in the order asked, with names; any id that is not the caller's → 404, nothing made. */
    List<Named> load(String userId, List<String> ids) {
        return db.read(() -> images.findOwned(userId, ids).flatMap(found -> {
            Map<String, ImageRef> byId = found.stream().collect(Collectors.toMap(i -> i.id, i -> i));
            for (String id : ids) {
                if (!byId.containsKey(id)) {
                    return Uni.createFrom().failure(ApiException.notFound("Image", id));
                }
            }
            Set<String> projectIds = found.stream().map(i -> i.projectId).filter(x -> x != null).collect(Collectors.toSet());
            Set<String> chatIds = found.stream().map(i -> i.chatId).filter(x -> x != null).collect(Collectors.toSet());
            return projects.namesOf(userId, projectIds).flatMap(projectNames -> chats.namesOf(userId, chatIds)
                    .map(chatNames -> ids.stream().map(byId::get).map(i -> new Named(i,
                            i.projectId == null ? null : projectNames.getOrDefault(i.projectId, i.projectId),
                            i.chatId == null ? null : chatNames.getOrDefault(i.chatId, i.chatId))).toList()));
        }));
    }

    /**
     * Reads, decodes, resizes and encodes one image on the bounded conversion pool, this thread waiting for
     * it (503 when the pool is full; a background bundle waits instead, up to {@code stuck-after}). A source
     * or output over its budget is 400 {@code VALIDATION_ERROR} naming {@code field} (or width/height).
     */
    private byte[] convert(ImageRef image, ImageConverter.Options options, String field, boolean background) {
        return convert(image, () -> store.openOriginal(image.storageKey), options, field, background);
    }

    /** A bundle's images: their originals read ahead, {@code bundle-prefetch} at a time, in order. */
    private OriginalPrefetch prefetch(List<Named> named) {
        return new OriginalPrefetch(store, named.stream().map(n -> n.image().storageKey).toList(), fetches, config.bundlePrefetch());
    }

    /** The next original of a bundle; one deleted meanwhile (its image.deleted not yet here) is 404, as the image is gone. */
    private static byte[] next(OriginalPrefetch originals, Named n) {
        try {
            return originals.next();
        } catch (ObjectStore.MissingObject gone) {
            throw ApiException.notFound("image", n.image().id);
        }
    }

    /** What a conversion reads: S3 inside the task (single downloads), or bytes a bundle read ahead. */
    private interface Original {
        InputStream open();
    }

    private static InputStream openOrGone(Original original, ImageRef image) {
        try {
            return original.open();
        } catch (ObjectStore.MissingObject gone) {
            throw ApiException.notFound("image", image.id);
        }
    }

    private byte[] convert(ImageRef image, Original original, ImageConverter.Options options, String field, boolean background) {
        java.util.concurrent.Callable<byte[]> task = () -> {
            try (InputStream in = openOrGone(original, image)) {
                return converter.convert(in, options);
            } catch (ImageConverter.TooLarge e) {
                throw e.toApi(field, image.id);
            } catch (IOException e) {
                throw new ObjectStore.StorageException("cannot convert image " + image.id, e);
            }
        };
        return background ? conversions.runPatiently(task, config.stuckAfter()) : conversions.run(task);
    }

    /**
     * Records a background bundle, unless the user has {@code max-queued-bundles-per-user} processing
     * already: 429 {@code RATE_LIMIT} + Retry-After. Count and insert run in one transaction under the
     * user's advisory lock, so concurrent requests (on any replica) cannot both take the last slot.
     * A bundle older than {@code stuck-after} no longer counts (the sweeper is about to fail it).
     */
    private void persistQueued(Download d) {
        DownloadConfig.Limits limits = config.limits();
        int max = limits.maxQueuedBundlesPerUser();
        int retryAfter = (int) Math.max(1, limits.busyRetryAfter().toSeconds());
        Instant since = d.createdAt.minus(config.stuckAfter());
        db.transaction(() -> downloads.lockUser(d.userId)
                .flatMap(x -> downloads.countQueued(d.userId, since))
                .flatMap(active -> active >= max
                        ? Uni.createFrom().failure(ApiException.tooMany("maxQueuedBundles", max, active,
                                "At most " + max + " bundles may be in preparation at once; wait for one to finish",
                                retryAfter))
                        : downloads.persist(d)));
    }

    private DownloadResults.BulkDownload bulkView(Download d, List<DownloadFile> fileRows) {
        Duration ttl = remaining(d);
        String url = d.objectKey == null ? null : store.presign(d.objectKey, ttl, d.fileName);
        List<DownloadResults.FileLink> links = fileRows.isEmpty() ? null : fileRows.stream()
                .map(f -> new DownloadResults.FileLink(f.imageId, f.fileName, store.presign(f.objectKey, ttl, lastSegment(f.fileName)), f.size))
                .toList();
        return new DownloadResults.BulkDownload(d.id, d.status, url, ErrorResponse.Timestamps.format(d.expiresAt),
                d.fileCount, d.totalSize, d.format, d.fileName, links);
    }

    /** The files of a bundle made without a zip, as download.ready carries them; null for a zip. */
    private static List<dev.companion.events.DownloadFile> eventFiles(List<DownloadResults.FileLink> links) {
        return links == null ? null : links.stream()
                .map(f -> new dev.companion.events.DownloadFile(f.imageId(), f.fileName(), f.downloadUrl(), f.size()))
                .toList();
    }

    private static Duration remaining(Download d) {
        Duration left = Duration.between(Instant.now(), d.expiresAt);
        return left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left;
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String common(List<Named> named, Function<Named, String> field) {
        Set<String> values = named.stream().map(field).collect(Collectors.toSet());
        return values.size() == 1 ? values.iterator().next() : null;
    }

    private String json(BulkOptions options) {
        try {
            return mapper.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void shutdown(@Observes ShutdownEvent event) {
        jobs.shutdownNow();
        fetches.shutdownNow();
    }
}
