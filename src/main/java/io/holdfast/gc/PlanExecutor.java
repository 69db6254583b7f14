package io.holdfast.gc;

import io.holdfast.manifest.ReleaseId;
import io.holdfast.retention.Action;
import io.holdfast.retention.Decision;
import io.holdfast.retention.RetentionPlan;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a retention plan (GC step 4). A release moves between {@code releases/} and {@code retired/} by a
 * create-only copy first and a delete of the original after, so a crash in between leaves both (the next run
 * finishes the move) and never neither. The manifests it moves are scanned into the roots on the way: a retired
 * release is still referenced.
 */
final class PlanExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(PlanExecutor.class);

    private final BlobStore store;
    private final GcRunLock lock;
    private final DigestSet roots;
    private final int batch;

    PlanExecutor(BlobStore store, GcRunLock lock, DigestSet roots, int batch) {
        this.store = store;
        this.lock = lock;
        this.roots = roots;
        this.batch = batch;
    }

    /** What was carried out; the releases whose manifests were scanned into the roots already. */
    record Done(List<ReleaseId> retired, List<ReleaseId> restored, List<ReleaseId> deleted, List<ReleaseId> scanned) {
    }

    Done apply(RetentionPlan plan) {
        List<ReleaseId> retired = new ArrayList<>();
        List<ReleaseId> restored = new ArrayList<>();
        List<ReleaseId> scanned = new ArrayList<>();
        List<String> originals = new ArrayList<>();
        for (Decision d : plan.decisions()) {
            if (d.action() == Action.RETIRE && copy(d.id(), StoreKeys.release(d.id()), StoreKeys.retired(d.id()), true)) {
                retired.add(d.id());
                scanned.add(d.id());
                originals.add(StoreKeys.release(d.id()));
            } else if (d.action() == Action.RESTORE && copy(d.id(), StoreKeys.retired(d.id()), StoreKeys.release(d.id()), false)) {
                restored.add(d.id());
                scanned.add(d.id());
                originals.add(StoreKeys.retired(d.id()));
            }
        }
        List<ReleaseId> deleted = new ArrayList<>();
        for (Decision d : plan.decisions()) {
            if (d.action() == Action.DELETE || (d.action() == Action.KEEP && d.retired())) {
                originals.add(StoreKeys.retired(d.id()));
                if (d.action() == Action.DELETE) {
                    deleted.add(d.id());
                }
            }
        }
        deleteAll(originals);
        retired.forEach(id -> LOG.info("event=gc.retired release={}", id));
        restored.forEach(id -> LOG.info("event=gc.restored release={}", id));
        deleted.forEach(id -> LOG.info("event=gc.tombstone-deleted release={}", id));
        return new Done(retired, restored, deleted, scanned);
    }

    /** Brings back releases retired by this run that became current of a channel or pinned meanwhile. */
    List<ReleaseId> restore(Collection<ReleaseId> ids) {
        List<ReleaseId> restored = new ArrayList<>();
        List<String> originals = new ArrayList<>();
        for (ReleaseId id : ids) {
            if (copy(id, StoreKeys.retired(id), StoreKeys.release(id), false)) {
                restored.add(id);
                originals.add(StoreKeys.retired(id));
                LOG.info("event=gc.restored release={} reason=protected-meanwhile", id);
            }
        }
        deleteAll(originals);
        return restored;
    }

    /**
     * Copies a manifest create-only and scans it into the roots. Returns false when there is nothing to move (the
     * source vanished) or when moving would overwrite a different live release.
     *
     * @param replaceTarget an existing different target may be replaced (a stale tombstone), never a live release
     */
    private boolean copy(ReleaseId id, String from, String to, boolean replaceTarget) {
        lock.checkpoint();
        Optional<Versioned> source = store.read(from);
        if (source.isEmpty()) {
            LOG.warn("event=gc.move-skipped release={} key={} reason=absent", id, from);
            return false;
        }
        byte[] bytes = source.get().content();
        ManifestDigests.scan(bytes, from, roots::add);
        lock.checkpoint();
        // A create-only put, not a compare-and-swap: nothing here needs the copy's store timestamp, and on S3 a
        // compare-and-swap reads it back with one more request per retired release.
        if (store.putIfAbsent(to, Payload.ofBytes(bytes)) == PutOutcome.ALREADY_EXISTS) {
            Optional<Versioned> existing = store.read(to);
            if (existing.isPresent() && !Arrays.equals(existing.get().content(), bytes)) {
                if (!replaceTarget) {
                    LOG.warn("event=gc.move-skipped release={} key={} reason=different-content-exists", id, to);
                    return false;
                }
                ManifestDigests.scan(existing.get().content(), to, roots::add);
                lock.checkpoint();
                store.compareAndSwap(to, bytes, Optional.of(existing.get().version()));
            } else if (existing.isEmpty()) {
                lock.checkpoint();
                store.putIfAbsent(to, Payload.ofBytes(bytes));
            }
        }
        return true;
    }

    private void deleteAll(List<String> keys) {
        for (int i = 0; i < keys.size(); i += batch) {
            lock.checkpoint();
            store.delete(keys.subList(i, Math.min(keys.size(), i + batch)));
        }
    }
}
