package io.holdfast.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.lease.GcGate;
import io.holdfast.lease.LeaseKeeper;
import io.holdfast.manifest.GcState;
import io.holdfast.manifest.Lease;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.retention.RetentionPolicy;
import io.holdfast.store.BlobStore;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import io.holdfast.testing.InterceptingStore;
import io.holdfast.testing.VirtualTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** One store under virtual time, with helpers to set up releases and check the invariants. */
final class GcFixture {
    /** Short enough to run out in a test by advancing virtual time, long enough never to run out on its own. */
    static final GcSettings SETTINGS = new GcSettings(Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(3),
            Duration.ofMinutes(1), 2, 3);
    static final Duration LEASE_TTL = Duration.ofMinutes(10);
    /** Keeps the newest release only; everything else retires at once. */
    static final RetentionPolicy AGGRESSIVE = RetentionPolicy.DEFAULT.with(Map.of("keep-last", "1", "keep-within", "0s",
            "keep-channel-history", "1", "keep-served-within", "0s", "retire-for", "1d", "grace", "1h",
            "max-remove-fraction", "1"), "test");

    final VirtualTime time = new VirtualTime();
    final BlobStore store;

    GcFixture(BlobStore base) {
        this.store = time.store(base);
    }

    /** A view of the store for one actor, where the test can pause it. */
    InterceptingStore actor() {
        return new InterceptingStore(store);
    }

    GarbageCollector gc(BlobStore s, GcObserver observer) {
        return new GarbageCollector(s, time.clock(), SETTINGS, observer);
    }

    GcReport run(RetentionPolicy policy) {
        return gc(store, GcObserver.NONE).run(policy, true, false);
    }

    ProtocolPublisher publisher(BlobStore s, ProtocolPublisher.Flaw flaw, TestWaiter waiter) {
        return new ProtocolPublisher(s, time.clock(), LEASE_TTL, waiter, flaw);
    }

    /** Writes a lease (protocol step 2) under a fresh publish id {@code <release>-<random>}, as a writer would. */
    LeaseKeeper lease(String release, List<Digest> digests, Duration ttl) {
        Lease lease = new Lease(release + "-" + UUID.randomUUID().toString().substring(0, 12), ReleaseId.of(release),
                ttl.toSeconds(), 0, List.copyOf(digests), false);
        return LeaseKeeper.acquire(store, time.clock(), lease);
    }

    /** Writes a release's blobs and manifest directly (set-up only; no protocol). */
    void commit(TestRelease r) {
        r.blobs().forEach((d, bytes) -> store.putIfAbsent(StoreKeys.blob(d), Payload.ofBytes(bytes)));
        store.compareAndSwap(StoreKeys.release(r.id()), r.manifestBytes(), Optional.empty());
    }

    Digest orphan(String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.of(bytes);
        store.putIfAbsent(StoreKeys.blob(d), Payload.ofBytes(bytes));
        return d;
    }

    boolean exists(Digest d) {
        return store.head(StoreKeys.blob(d)).isPresent();
    }

    boolean exists(String key) {
        return store.head(key).isPresent();
    }

    Set<String> keys(String prefix) {
        Set<String> keys = new HashSet<>();
        store.list(prefix, i -> keys.add(i.key()));
        return keys;
    }

    GcState gcState() {
        return store.read(StoreKeys.GC_STATE).map(v -> Documents.decode(v.content(), GcState.class, StoreKeys.GC_STATE))
                .orElse(null);
    }

    /** Invariant 1 and 2: every blob of every committed or retired release exists. Returns the missing keys. */
    List<String> missingBlobs() {
        List<String> missing = new ArrayList<>();
        for (String prefix : List.of(StoreKeys.RELEASES, StoreKeys.RETIRED)) {
            for (String key : keys(prefix)) {
                Optional<Versioned> v = store.read(key);
                if (v.isEmpty()) {
                    continue;
                }
                ReleaseManifest m = Documents.decodeManifest(v.get().content(), key);
                for (Digest d : m.digests()) {
                    if (!exists(d)) {
                        missing.add(key + " -> " + StoreKeys.blob(d));
                    }
                }
            }
        }
        return missing;
    }

    void assertNothingMissing() {
        assertEquals(List.of(), missingBlobs(), "blobs of committed releases must exist");
    }

    /** Blobs no manifest references. */
    Set<String> orphans() {
        Set<String> referenced = new HashSet<>();
        for (String prefix : List.of(StoreKeys.RELEASES, StoreKeys.RETIRED)) {
            for (String key : keys(prefix)) {
                store.read(key).ifPresent(v -> Documents.decodeManifest(v.content(), key).digests()
                        .forEach(d -> referenced.add(StoreKeys.blob(d))));
            }
        }
        Set<String> orphans = keys(StoreKeys.BLOBS);
        orphans.removeAll(referenced);
        return orphans;
    }

    /**
     * Runs GC with time passing between runs (past every grace period, deadline and takeover margin) until a run
     * changes nothing and no unreferenced blob is left.
     */
    void runToFixedPoint(RetentionPolicy policy) {
        for (int i = 0; i < 12; i++) {
            time.advance(Duration.ofDays(2));
            GcReport r = run(policy);
            if (r.changedNothing() && r.blobs().candidates() == 0 && r.blobs().young() == 0) {
                return;
            }
        }
        throw new AssertionError("GC did not reach a fixed point; orphans: " + orphans());
    }

    static Instant day(int n) {
        return Instant.parse("2025-01-01T00:00:00Z").plus(Duration.ofDays(n));
    }

    /**
     * A gate sleeper that records that its writer waited (a latch tests can await) and polls again shortly (a
     * millisecond by default), whatever backoff the gate asks for.
     */
    static final class TestWaiter implements GcGate.Sleeper {
        final CountDownLatch waited = new CountDownLatch(1);
        final AtomicInteger waits = new AtomicInteger();
        private final long pollNanos;

        TestWaiter() {
            this(Duration.ofMillis(1));
        }

        TestWaiter(Duration poll) {
            this.pollNanos = poll.toNanos();
        }

        @Override
        public void sleep(Duration backoff) {
            waits.incrementAndGet();
            waited.countDown();
            LockSupport.parkNanos(pollNanos);
        }
    }
}
