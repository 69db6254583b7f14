package io.holdfast.gc;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.lease.GcGate;
import io.holdfast.lease.LeaseKeeper;
import io.holdfast.lease.LeaseLostException;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.Lease;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code holdfast restore ID}: brings back a retired release while its tombstone lasts. Making a manifest live is a
 * commit, so it follows the publish protocol: lease on the release's digests, the GC gate, a check that every blob
 * still exists, create-only commit, then the lease check (starting over with a new lease if it was lost), and
 * only then the tombstone and the lease are deleted. Restoring gives the release a fresh commit time, so the
 * policy's age rules keep it for their full period again.
 */
public final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
    private static final int ATTEMPTS = 5;

    private final BlobStore store;
    private final Clock clock;
    private final Duration leaseTtl;
    private final GcGate gate;

    /**
     * @param clock only paces lease renewals; expiry is judged on store time
     * @param sleeper how to wait while a GC run holds the store
     * @param notes receives the one-line "waiting for GC run …" message
     */
    public Restorer(BlobStore store, Clock clock, Duration leaseTtl, GcGate.Sleeper sleeper, Consumer<String> notes) {
        this.store = store;
        this.clock = clock;
        this.leaseTtl = leaseTtl;
        this.gate = new GcGate(store, sleeper, notes);
    }

    public ReleaseManifest restore(ReleaseId id) {
        String tombstone = StoreKeys.retired(id);
        String live = StoreKeys.release(id);
        Optional<Versioned> retired = store.read(tombstone);
        if (retired.isEmpty()) {
            if (store.head(live).isPresent()) {
                throw new HoldfastException(ErrorKind.NOT_FOUND, "release " + id + " is not retired: " + live + " exists in "
                        + store.describe());
            }
            throw new HoldfastException(ErrorKind.NOT_FOUND, "release " + id + " has no tombstone (" + tombstone + ") in "
                    + store.describe() + ": it was never retired, or GC deleted it after its retirement period");
        }
        byte[] bytes = retired.get().content();
        ReleaseManifest manifest = Documents.decodeManifest(bytes, tombstone);
        List<Digest> digests = List.copyOf(manifest.digests());
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Lease lease = new Lease(id.value() + "-" + UUID.randomUUID().toString().substring(0, 12), id,
                    leaseTtl.toSeconds(), 0, digests, false);
            LeaseKeeper keeper = LeaseKeeper.acquire(store, clock, lease);
            try {
                gate.await(keeper, id.value());
                for (Digest d : digests) {
                    if (store.head(StoreKeys.blob(d)).isEmpty()) {
                        throw new HoldfastException(ErrorKind.NOT_FOUND, "release " + id + " cannot be restored: its blob "
                                + StoreKeys.blob(d) + " was already collected");
                    }
                }
                commit(id, live, bytes);
                if (!keeper.confirm()) {
                    LOG.warn("event=restore.lease-lost release={} attempt={}", id, attempt);
                    continue; // a new lease, the gate again, every blob checked again (the model's FIX_REPAIR)
                }
                store.delete(List.of(tombstone));
                LOG.info("event=restore.done release={} assets={}", id, manifest.assets().size());
                return manifest;
            } catch (LeaseLostException e) {
                LOG.warn("event=restore.lease-lost release={} attempt={}", id, attempt); // lost while waiting at the gate
            } finally {
                keeper.release();
            }
        }
        throw new HoldfastException(ErrorKind.STORE_FAILED, "restore of release " + id + " lost its lease " + ATTEMPTS
                + " times; check the store's latency and try again");
    }

    private void commit(ReleaseId id, String live, byte[] bytes) {
        try {
            store.compareAndSwap(live, bytes, Optional.empty());
        } catch (ConflictException e) {
            Optional<Versioned> existing = store.read(live);
            if (existing.isPresent() && !Arrays.equals(existing.get().content(), bytes)) {
                throw new HoldfastException(ErrorKind.RELEASE_CONFLICT, "release " + id + " was published again with "
                        + "different content meanwhile (" + live + "); its tombstone is left in place");
            }
        }
    }
}
