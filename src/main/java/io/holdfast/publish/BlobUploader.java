package io.holdfast.publish;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.lease.LeaseKeeper;
import io.holdfast.lease.LeaseLostException;
import io.holdfast.manifest.Digest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.StoreKeys;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publish protocol step 3: makes every blob exist. Create-only uploads with the SHA-256 the store verifies;
 * "already exists" is success (content-addressed: same key, same bytes). Blobs of at least
 * {@code headThreshold} bytes are looked up first, so an existing large blob is not sent again only to be
 * refused. Uploads run on a bounded pool; the first failure stops the rest, and a lost lease stops them early
 * (the attempt starts over anyway).
 */
public final class BlobUploader {
    private final BlobStore store;
    private final ExecutorService pool;
    private final int concurrency;
    private final long headThreshold;

    public BlobUploader(BlobStore store, ExecutorService pool, int concurrency, long headThreshold) {
        this.store = store;
        this.pool = pool;
        this.concurrency = Math.max(1, concurrency);
        this.headThreshold = headThreshold;
    }

    /** Where a blob's bytes come from when it has to be uploaded. */
    @FunctionalInterface
    public interface Source {
        Payload payload() throws IOException;
    }

    /**
     * A blob the release needs.
     *
     * @param lookFirst look it up before making its bytes: its content is not at hand but has to be recreated
     *                  (a variant reused from an earlier release)
     */
    public record Blob(Digest digest, long size, boolean lookFirst, Source source) {
    }

    /** What the uploads did: blobs created, their bytes, and blobs that were already there. */
    public record Stats(int created, long bytesCreated, int present) {
    }

    /** Called after each blob, from upload threads. */
    @FunctionalInterface
    public interface Progress {
        void done(Blob blob);
    }

    public Stats upload(List<Blob> blobs, LeaseKeeper lease, Progress progress) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger created = new AtomicInteger();
        AtomicInteger present = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(concurrency, blobs.size()); w++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < blobs.size(); i = next.getAndIncrement()) {
                    if (lease.lost()) {
                        throw new LeaseLostException(lease.lostReason());
                    }
                    Blob b = blobs.get(i);
                    if (ensure(b)) {
                        created.incrementAndGet();
                        bytes.addAndGet(b.size());
                    } else {
                        present.incrementAndGet();
                    }
                    progress.done(b);
                }
                return null;
            }));
        }
        RuntimeException failure = null;
        for (Future<?> f : workers) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next.set(blobs.size());
                failure = new HoldfastException(ErrorKind.INTERNAL, "interrupted while uploading", e);
            } catch (ExecutionException e) {
                next.set(blobs.size()); // the other workers stop after their current blob
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re
                            : new HoldfastException(ErrorKind.INTERNAL, "upload failed: " + e.getCause(), e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return new Stats(created.get(), bytes.get(), present.get());
    }

    /** @return true if this call created the blob */
    private boolean ensure(Blob b) {
        String key = StoreKeys.blob(b.digest());
        if ((b.lookFirst() || b.size() >= headThreshold) && store.head(key).isPresent()) {
            return false;
        }
        Payload payload;
        try {
            payload = b.source().payload();
        } catch (IOException e) {
            throw new HoldfastException(ErrorKind.BAD_INPUT, "cannot read content of blob " + b.digest() + ": " + e.getMessage(), e);
        }
        return store.putIfAbsent(key, payload) == PutOutcome.CREATED;
    }
}
