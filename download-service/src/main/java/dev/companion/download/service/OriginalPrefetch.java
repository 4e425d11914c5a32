package dev.companion.download.service;

import dev.companion.download.client.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The originals of one bundle read from S3 ahead of the entry being written, at most {@code window}
 * at a time, in order. A bundle used to read each original only when its entry was due, so its time
 * was the sum of every S3 round trip plus every conversion; with the reads overlapping the conversion
 * and each other it approaches the slower of the two. Memory: at most {@code window} originals, so a
 * 500-image bundle holds no more than a 5-image one.
 */
final class OriginalPrefetch implements AutoCloseable {

    private final ObjectStore store;
    private final List<String> keys;
    private final Executor io;
    private final int window;
    private final ArrayDeque<CompletableFuture<byte[]>> ahead = new ArrayDeque<>();
    private int nextToFetch;

    OriginalPrefetch(ObjectStore store, List<String> storageKeys, Executor io, int window) {
        this.store = store;
        this.keys = storageKeys;
        this.io = io;
        this.window = Math.max(1, window);
        fill();
    }

    /** The bytes of the next original, in the order of the keys (waits for its read if still running). */
    byte[] next() {
        CompletableFuture<byte[]> head = ahead.poll();
        if (head == null) {
            throw new IllegalStateException("no more originals");
        }
        fill();
        try {
            return head.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ObjectStore.StorageException("cannot read an original", e.getCause());
        }
    }

    private void fill() {
        while (ahead.size() < window && nextToFetch < keys.size()) {
            String key = keys.get(nextToFetch++);
            ahead.add(CompletableFuture.supplyAsync(() -> read(key), io));
        }
    }

    private byte[] read(String key) {
        try (InputStream in = store.openOriginal(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ObjectStore.StorageException("cannot read image " + key, e);
        }
    }

    /** Reads not yet taken are cancelled (a failed bundle stops reading). */
    @Override
    public void close() {
        CompletableFuture<byte[]> f;
        while ((f = ahead.poll()) != null) {
            try {
                f.cancel(true);
            } catch (CancellationException ignored) {
                // already done or cancelled
            }
        }
    }
}
