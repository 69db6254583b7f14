package io.holdfast.gc;

import io.holdfast.manifest.Documents;
import io.holdfast.manifest.Lease;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GC step 2: every unexpired lease's digests become roots; every expired (or already revoked) lease is written off:
 * compare-and-swap to {@code revoked} on the version that was judged expired, then deleted. A lease renewed in
 * between makes the swap fail, and it is then treated as live. Expired leases are removed before releases are
 * listed (the model's LATE_LEASE_DELETE case shows why).
 */
final class LeaseScan {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseScan.class);

    /** Publish ids of the leases found live and of those written off. */
    record Result(List<String> live, List<String> revoked) {
    }

    private LeaseScan() {
    }

    static Result scan(BlobStore store, GcRunLock lock, DigestSet roots, boolean dryRun) {
        List<ObjectInfo> listed = new ArrayList<>();
        store.list(StoreKeys.LEASES, listed::add);
        List<String> live = new ArrayList<>();
        List<String> revoked = new ArrayList<>();
        for (ObjectInfo info : listed) {
            lock.checkpoint();
            Optional<String> publishId = StoreKeys.nameIn(StoreKeys.LEASES, info.key());
            if (publishId.isEmpty()) {
                continue;
            }
            Optional<Versioned> read = store.read(info.key());
            if (read.isEmpty()) {
                continue; // its publisher finished (it deletes its lease after committing)
            }
            Lease lease = Documents.decode(read.get().content(), Lease.class, info.key());
            Instant expiry = read.get().info().lastModified().plusSeconds(lease.ttlSeconds());
            if (!lease.revoked() && expiry.isAfter(lock.now())) {
                lease.digests().forEach(roots::add);
                live.add(publishId.get());
                continue;
            }
            if (dryRun) {
                revoked.add(publishId.get());
                continue;
            }
            if (!lease.revoked()) {
                try {
                    lock.checkpoint();
                    store.compareAndSwap(info.key(), Documents.encode(lease.revoke()), Optional.of(read.get().version()));
                } catch (ConflictException e) {
                    // Renewed (or deleted) since we read it: its publisher is alive, so it stays a root.
                    store.read(info.key()).ifPresent(v -> Documents.decode(v.content(), Lease.class, info.key())
                            .digests().forEach(roots::add));
                    live.add(publishId.get());
                    continue;
                }
            }
            lock.checkpoint();
            store.delete(List.of(info.key()));
            revoked.add(publishId.get());
            LOG.info("event=gc.lease-revoked release={} publish={} expired={}", lease.release(), publishId.get(), expiry);
        }
        return new Result(live, revoked);
    }
}
