package io.holdfast.gc;

import io.holdfast.lease.GcGate;
import io.holdfast.lease.LeaseKeeper;
import io.holdfast.lease.LeaseLostException;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.GcState;
import io.holdfast.manifest.Lease;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A minimal publisher that follows the publish protocol of DESIGN.md (lease → GC gate → HEAD/PUT every blob →
 * create-only manifest → lease check, starting over with a new lease when it was lost → delete the lease), used
 * by the GC tests. The lease and the gate are the project's own ({@link LeaseKeeper}, {@link GcGate}); the
 * test drives the gate through its {@link GcGate.Sleeper}. {@link Flaw} drops one ordering rule, as the SPIN model's variants do, so the tests can show
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
    private final Clock clock;
    private final Duration ttl;
    private final GcGate.Sleeper waiter;
    private final Flaw flaw;
    private int attempts;

    ProtocolPublisher(BlobStore store, Clock clock, Duration ttl, GcGate.Sleeper waiter, Flaw flaw) {
        this.store = store;
        this.clock = clock;
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
            LeaseKeeper lease = LeaseKeeper.acquire(store, clock, new Lease(r.id().value() + "-"
                    + UUID.randomUUID().toString().substring(0, 12), r.id(), ttl.toSeconds(), 0, digests, false));
            if (flaw == Flaw.NONE || flaw == Flaw.NO_REPAIR) {
                try {
                    new GcGate(store, waiter, note -> { }).await(lease, r.id().value());
                } catch (LeaseLostException e) {
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
            if (!lease.confirm()) {
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
                waiter.sleep(Duration.ofMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
