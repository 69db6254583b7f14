package io.holdfast.gc;

import io.holdfast.manifest.Digest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GC steps 5 and 6: one streaming pass over the blob listing, then batched deletes. A blob is a candidate when no
 * root references it and it is older than the grace period (its own store timestamp); it is deleted only if the
 * candidate ledger shows it was a candidate of this same incarnation at least the grace period ago.
 */
final class BlobSweep {
    private static final Logger LOG = LoggerFactory.getLogger(BlobSweep.class);
    private static final int CHECKPOINT_EVERY = 1000;

    /**
     * Counts of the pass. In a dry run, {@code deleted} and {@code deletedBytes} are what a run would delete now.
     *
     * @param waiting candidates not yet deletable (first seen less than a grace period ago)
     */
    record Result(long listed, long referenced, long young, long candidates, long waiting, long waitingBytes,
                  long deleted, long deletedBytes) {
    }

    private final BlobStore store;
    private final GcRunLock lock;
    private final GcObserver observer;
    private final int batch;

    BlobSweep(BlobStore store, GcRunLock lock, GcObserver observer, int batch) {
        this.store = store;
        this.lock = lock;
        this.observer = observer;
        this.batch = batch;
    }

    Result sweep(DigestSet roots, Duration grace, boolean dryRun) {
        Optional<Versioned> stored = store.read(StoreKeys.GC_CANDIDATES);
        CandidateLedger previous = CandidateLedger.read(stored);
        CandidateLedger.Builder next = new CandidateLedger.Builder();
        List<String> doomed = new ArrayList<>();
        List<Long> doomedSizes = new ArrayList<>();
        long[] n = new long[6]; // listed, referenced, young, candidates, waiting, waitingBytes
        store.list(StoreKeys.BLOBS, info -> {
            if (++n[0] % CHECKPOINT_EVERY == 0) {
                lock.checkpoint();
            }
            Optional<Digest> digest = StoreKeys.blobDigest(info.key());
            if (digest.isEmpty()) {
                return; // not a blob key: never touched
            }
            String hex = digest.get().hex();
            Instant now = lock.now();
            if (roots.contains(hex)) {
                n[1]++;
            } else if (info.lastModified().plus(grace).isAfter(now)) {
                n[2]++;
            } else {
                n[3]++;
                Instant first = previous.firstSeen(hex);
                if (first != null && first.isBefore(info.lastModified())) {
                    first = null; // recorded for an earlier upload of the same content, since deleted
                }
                next.add(hex, first);
                if (first != null && !first.plus(grace).isAfter(now)) {
                    doomed.add(info.key());
                    doomedSizes.add(info.size());
                } else {
                    n[4]++;
                    n[5] += info.size();
                }
            }
        });
        if (!dryRun) {
            lock.checkpoint();
            try {
                store.compareAndSwap(StoreKeys.GC_CANDIDATES, next.encode(), stored.map(Versioned::version));
            } catch (ConflictException e) {
                throw new GcStoppedException("GC run " + lock.runId() + " stopped: " + StoreKeys.GC_CANDIDATES
                        + " was written by another run meanwhile");
            }
        }
        observer.candidatesRecorded(next.size(), doomed.size());
        long deleted = 0;
        long deletedBytes = 0;
        for (int i = 0; i < doomed.size(); i += batch) {
            List<String> keys = doomed.subList(i, Math.min(doomed.size(), i + batch));
            long bytes = doomedSizes.subList(i, i + keys.size()).stream().mapToLong(Long::longValue).sum();
            if (!dryRun) {
                lock.beforeDeleteBatch();
                observer.beforeDeleteBatch(List.copyOf(keys));
                store.delete(keys);
                LOG.info("event=gc.blobs-deleted release=- run={} count={} bytes={}", lock.runId(), keys.size(), bytes);
            }
            deleted += keys.size();
            deletedBytes += bytes;
        }
        return new Result(n[0], n[1], n[2], n[3], n[4], n[5], deleted, deletedBytes);
    }
}
