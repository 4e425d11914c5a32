package dev.companion.download.service;

import dev.companion.download.client.ObjectStore;
import dev.companion.download.config.DownloadConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a zip straight into S3: {@code ZipOutputStream → bounded pipe → multipart upload} on a second thread.
 * At any moment memory holds one converted image, the pipe buffer and one upload part, whatever the
 * bundle's size. Entries are STORED: PNG, JPEG and WebP are compressed already, deflating them again
 * costs CPU for nothing; STORED needs the CRC and size up front, taken from the one entry in hand.
 */
@ApplicationScoped
public class ZipBundler {

    private static final int PIPE_BUFFER = 256 * 1024;

    private final ObjectStore store;
    private final long partSize;
    private final ExecutorService uploaders;

    public ZipBundler(ObjectStore store, DownloadConfig config) {
        this.store = store;
        this.partSize = Math.max(5L * 1024 * 1024, config.zipPartSize());
        AtomicInteger n = new AtomicInteger();
        this.uploaders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "zip-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Where the entries come from; called in order, one entry at a time. */
    public interface EntrySource {
        /** Writes every entry through {@code zip}. */
        void writeEntries(ZipWriter zip) throws IOException;
    }

    /** The one operation a bundle needs: add a named entry with its bytes. */
    public interface ZipWriter {
        void add(String path, byte[] bytes) throws IOException;
    }

    /** Builds the zip under {@code key} in the downloads bucket and returns its size in bytes. */
    public long bundle(String key, EntrySource source) throws IOException {
        BoundedPipe pipe = new BoundedPipe(PIPE_BUFFER);
        Future<?> upload = uploaders.submit(() -> {
            try {
                store.putDownloadStream(key, pipe.source, partSize, "application/zip");
            } finally {
                // if the upload fails, the writer's next write fails instead of blocking on a full pipe
                pipe.closeReader();
            }
        });
        CountingOutput counted = new CountingOutput(new BufferedOutputStream(pipe.sink, 64 * 1024));
        // Not try-with-resources: closing the zip ends the stream as if it were whole, so on a failure
        // the pipe must be aborted first and the zip never closed.
        ZipOutputStream zip = new ZipOutputStream(counted);
        try {
            zip.setMethod(ZipOutputStream.STORED);
            source.writeEntries((path, bytes) -> {
                CRC32 crc = new CRC32();
                crc.update(bytes);
                ZipEntry entry = new ZipEntry(path);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(bytes.length);
                entry.setCompressedSize(bytes.length);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            });
        } catch (IOException | RuntimeException e) {
            // never let a truncated zip be completed as if it were whole
            pipe.abort(e);
            pipe.closeWriter();
            awaitQuietly(upload);
            throw e;
        }
        try {
            zip.close();
        } catch (IOException e) {
            pipe.abort(e);
            awaitQuietly(upload);
            throw e;
        }
        try {
            upload.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IOException("zip upload failed: " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            upload.cancel(true);
            throw new IOException("zip upload did not finish", e);
        }
        return counted.count;
    }

    void shutdown(@Observes ShutdownEvent event) {
        uploaders.shutdownNow();
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            f.get(1, TimeUnit.MINUTES);
        } catch (Exception ignored) {
            // the writer's failure is the one reported
        }
    }

    static final class CountingOutput extends FilterOutputStream {
        long count;

        CountingOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
