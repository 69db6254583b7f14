package io.holdfast.gc;

import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.GcState;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal publisher that follows the publish protocol of DESIGN.md (lease → GC gate → HEAD/PUT every blob →
 * create-only manifest → lease check, starting over with a new lease when it was lost → delete the lease), used
 * by the GC tests. {@link Flaw} drops one ordering rule, as the SPIN model's variants do, so the tests can show
 * that each rule is what keeps them green.
 */
final class ProtocolPublisher {

    enum Flaw {
        NONE,
        /** Model VAR_B: reads gc/state before creating the lease. */
        GATE_BEFORE_LEASE,
        /** Model VAR_C: reads gc/state and does not wait for a running GC. */
        NO_WAIT,
        /** Model "timed flaw 1": a lost lease is repaired by re-checking blobs without a new lease and the gate. */
        NO_REPAIR
    }

    private final BlobStore store;
    private final Duration ttl;
    private final GateWaiter waiter;
    private final Flaw flaw;
    private int attempts;

    ProtocolPublisher(BlobStore store, Duration ttl, GateWaiter waiter, Flaw flaw) {
        this.store = store;
        this.ttl = ttl;
        this.waiter = waiter;
        this.flaw = flaw;
    }

    /** Attempts (leases) the last publish needed. */
    int attempts() {
        return attempts;
    }

    void publish(TestRelease r) {
        List<Digest> digests = List.copyOf(r.digests());
        for (attempts = 1; attempts <= 20; attempts++) {
            if (flaw == Flaw.GATE_BEFORE_LEASE) {
                awaitIdle();
            }
            HeldLease lease = HeldLease.create(store, r.id(), digests, ttl);
            if (flaw == Flaw.NONE || flaw == Flaw.NO_REPAIR) {
                if (!lease.awaitGcGate(waiter)) {
                    continue;
                }
            } else if (flaw == Flaw.NO_WAIT) {
                store.read(StoreKeys.GC_STATE);
            }
            ensureBlobs(r.blobs());
            try {
                store.compareAndSwap(StoreKeys.release(r.id()), r.manifestBytes(), Optional.empty());
            } catch (ConflictException e) {
                // committed by an earlier attempt: same content
            }
            if (!lease.stillValid(Duration.ofSeconds(1))) {
                if (flaw == Flaw.NO_REPAIR) {
                    ensureBlobs(r.blobs());
                    lease.release();
                    return;
                }
                continue;
            }
            lease.release();
            return;
        }
        throw new IllegalStateException("publish of " + r.id() + " kept losing its lease");
    }

    private void ensureBlobs(Map<Digest, byte[]> blobs) {
        for (Map.Entry<Digest, byte[]> b : blobs.entrySet()) {
            String key = StoreKeys.blob(b.getKey());
            if (store.head(key).isEmpty()) {
                store.putIfAbsent(key, Payload.ofBytes(b.getValue()));
            }
        }
    }

    /** The flawed gate: waits for idle before any lease exists. */
    private void awaitIdle() {
        while (true) {
            Optional<Versioned> s = store.read(StoreKeys.GC_STATE);
            if (s.isEmpty() || !Documents.decode(s.get().content(), GcState.class, StoreKeys.GC_STATE).running()) {
                return;
            }
            try {
                waiter.await(Documents.decode(s.get().content(), GcState.class, StoreKeys.GC_STATE),
                        s.get().info().lastModified(), s.get().info().lastModified());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
