package dev.companion.download.service;

import dev.companion.download.client.ObjectStore;
import dev.companion.download.config.DownloadConfig;
import dev.companion.download.model.Download;
import dev.companion.download.model.DownloadFile;
import dev.companion.download.repository.BlockingDb;
import dev.companion.download.repository.DownloadFileRepository;
import dev.companion.download.repository.DownloadRepository;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the S3 objects of expired downloads (the presigned links already stopped working at the
 * same moment; this frees the storage), and fails background bundles whose worker died.
 */
@ApplicationScoped
public class ExpirySweeper {

    private static final Logger LOG = Logger.getLogger(ExpirySweeper.class);
    private static final int BATCH = 200;

    private final BlockingDb db;
    private final DownloadRepository downloads;
    private final DownloadFileRepository files;
    private final ObjectStore store;
    private final DownloadService service;
    private final DownloadConfig config;

    public ExpirySweeper(BlockingDb db, DownloadRepository downloads, DownloadFileRepository files, ObjectStore store,
                         DownloadService service, DownloadConfig config) {
        this.db = db;
        this.downloads = downloads;
        this.files = files;
        this.store = store;
        this.service = service;
        this.config = config;
    }

    @Scheduled(every = "${companion.download.sweep-interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            while (sweepOnce() >= BATCH) {
                // a full batch: more may be waiting
            }
            failStuck();
        } catch (RuntimeException e) {
            LOG.warnf("sweep deferred: %s", e.getMessage());
        }
    }

    /** Deletes the objects of up to one batch of expired downloads; returns how many downloads it purged. */
    public int sweepOnce() {
        Instant now = Instant.now();
        List<Download> expired = db.read(() -> downloads.expiredUnpurged(now, BATCH));
        if (expired.isEmpty()) {
            return 0;
        }
        List<String> ids = expired.stream().map(d -> d.id).toList();
        List<DownloadFile> fileRows = db.read(() -> files.ofDownloads(ids));
        List<String> purged = new ArrayList<>();
        for (Download d : expired) {
            try {
                if (d.objectKey != null) {
                    store.deleteDownload(d.objectKey);
                }
                for (DownloadFile f : fileRows) {
                    if (f.downloadId.equals(d.id)) {
                        store.deleteDownload(f.objectKey);
                    }
                }
                purged.add(d.id);
            } catch (RuntimeException e) {
                LOG.warnf("could not purge download %s yet: %s", d.id, e.getMessage());
            }
        }
        if (!purged.isEmpty()) {
            db.transaction(() -> downloads.markPurged(purged, now));
        }
        return purged.size();
    }

    /** Background bundles processing longer than {@code stuck-after}: their worker is gone; tell the user. */
    public void failStuck() {
        List<Download> stuck = db.read(() -> downloads.stuck(Instant.now().minus(config.stuckAfter())));
        for (Download d : stuck) {
            service.fail(d.id, d.userId, "SERVER_ERROR", "The bundle was not finished in time");
        }
    }
}
