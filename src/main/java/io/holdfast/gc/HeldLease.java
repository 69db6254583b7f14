package io.holdfast.gc;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.GcState;
import io.holdfast.manifest.Lease;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A writer's lease on the digests it is about to rely on (publish protocol steps 2, 4 and 5): created create-only,
 * renewed by compare-and-swap, and lost the moment GC revokes it. Its store timestamps are the writer's clock.
 */
public final class HeldLease {
    private final BlobStore store;
    private final String key;
    private Lease lease;
    private String version;
    private Instant written;

    private HeldLease(BlobStore store, String key, Lease lease, ObjectInfo info) {
        this.store = store;
        this.key = key;
        this.lease = lease;
        this.version = info.version();
        this.written = info.lastModified();
    }

    /** Creates a lease under a fresh publish id {@code <release>-<random>}. */
    public static HeldLease create(BlobStore store, ReleaseId release, Collection<Digest> digests, Duration ttl) {
        String publishId = release.value() + "-" + UUID.randomUUID().toString().substring(0, 12);
        Lease lease = new Lease(publishId, release, ttl.toSeconds(), 0, List.copyOf(digests), false);
        String key = StoreKeys.lease(publishId);
        return new HeldLease(store, key, lease, store.compareAndSwap(key, Documents.encode(lease), Optional.empty()));
    }

    public String publishId() {
        return lease.publishId();
    }

    /** Store time of the latest write of this lease: the writer's "now". */
    public Instant writtenAt() {
        return written;
    }

    /**
     * Renews the lease.
     *
     * @return false when the lease was lost: revoked or deleted by GC, so the writer must start over with a new one
     */
    public boolean renew() {
        Lease next = lease.renewed();
        try {
            ObjectInfo info = store.compareAndSwap(key, Documents.encode(next), Optional.of(version));
            lease = next;
            version = info.version();
            written = info.lastModified();
            return true;
        } catch (ConflictException e) {
            return false;
        }
    }

    /**
     * The lease check of publish step 5: renews, and succeeds only if the lease never expired in between (the
     * renewal landed before the previous write plus the TTL, less a margin). Existence alone is not enough: a GC
     * may have judged it expired and not yet revoked it (the model's FIX_LEASECHK).
     */
    public boolean stillValid(Duration margin) {
        Instant expiry = written.plusSeconds(lease.ttlSeconds()).minus(margin);
        return renew() && written.isBefore(expiry);
    }

    /**
     * Publish step 2, after the lease exists: while a GC run holds the store and its deadline (judged against this
     * lease's store time) has not passed, wait and read again.
     *
     * @return false when the lease was lost while waiting
     */
    public boolean awaitGcGate(GateWaiter waiter) {
        while (true) {
            Optional<Versioned> stored = store.read(StoreKeys.GC_STATE);
            if (stored.isEmpty()) {
                return true;
            }
            GcState state = Documents.decode(stored.get().content(), GcState.class, StoreKeys.GC_STATE);
            Instant deadline = stored.get().info().lastModified().plusSeconds(state.deadlineSeconds());
            if (!state.running() || !deadline.isAfter(written)) {
                return true;
            }
            try {
                waiter.await(state, deadline, written);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HoldfastException(ErrorKind.INTERNAL, "interrupted while waiting for GC run " + state.runId());
            }
            if (!renew()) {
                return false;
            }
        }
    }

    /** Deletes the lease: the last step, after the commit. */
    public void release() {
        store.delete(List.of(key));
    }
}
