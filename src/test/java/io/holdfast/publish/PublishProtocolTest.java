package io.holdfast.publish;

import static io.holdfast.publish.PublisherTest.NO_SLEEP;
import static io.holdfast.publish.PublisherTest.assertIntact;
import static io.holdfast.publish.PublisherTest.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.error.HoldfastException;
import io.holdfast.lease.GcGate;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.GcState;
import io.holdfast.manifest.Lease;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.Payload;
import io.holdfast.store.PutOutcome;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.CountingStore;
import io.holdfast.testing.FaultInjectingStore;
import io.holdfast.testing.ManualTimer;
import io.holdfast.testing.MutableClock;
import io.holdfast.testing.Trees;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publish protocol under faults, lost leases, GC runs and concurrency. */
class PublishProtocolTest {
    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final ManualTimer timer = new ManualTimer();
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final PublishListener listener = new PublishListener() {
        @Override
        public void note(String message) {
            notes.add(message);
        }
    };

    private Publisher publisher(BlobStore store, GcGate.Sleeper sleeper) {
        return new Publisher(store, PublishSettings.defaults().withThreads(2, 3), clock, timer, sleeper, listener);
    }

    private PublishResult publish(BlobStore store, Path dir, String id) {
        return publisher(store, NO_SLEEP).publish(PublishRequest.of(dir, ReleaseId.of(id)));
    }

    private static Set<Digest> absent(BlobStore store, Set<Digest> digests) {
        Set<Digest> out = new java.util.HashSet<>();
        for (Digest d : digests) {
            if (store.head(StoreKeys.blob(d)).isEmpty()) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * For every k, the k-th store call of a publish fails: the publish either fails with no release visible, or
     * (when the fault hits a step after the commit that it retries) succeeds with the release intact. A rerun on
     * the healthy store then succeeds, uploading exactly the blobs that are missing.
     */
    @Test
    void aFaultAtEveryStepLeavesNoPartialReleaseAndTheRerunUploadsOnlyWhatIsMissing() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FaultInjectingStore counting = new FaultInjectingStore(new FileSystemStore(tmp.resolve("count"), true), 0);
        PublishResult clean = publish(counting, dir, "1");
        int calls = counting.calls();
        Set<Digest> all = clean.manifest().digests();
        assertTrue(calls > 10, "a publish makes " + calls + " calls: " + counting.log());

        int failed = 0;
        for (int k = 1; k <= calls; k++) {
            FileSystemStore healthy = new FileSystemStore(tmp.resolve("k" + k), true);
            FaultInjectingStore faulty = new FaultInjectingStore(healthy, k);
            boolean succeeded;
            try {
                publish(faulty, dir, "1");
                succeeded = true;
            } catch (HoldfastException e) {
                succeeded = false;
                failed++;
            }
            boolean visible = healthy.head(StoreKeys.release(ReleaseId.of("1"))).isPresent();
            String at = "fault at call " + k + " (" + faulty.log().get(k - 1) + ")";
            if (!succeeded) {
                assertFalse(visible, at + ": failed but left a visible release");
            } else {
                assertTrue(visible, at);
                assertIntact(healthy, "1");
            }
            Set<Digest> missing = absent(healthy, all);
            PublishResult rerun = publish(healthy, dir, "1");
            assertEquals(succeeded, rerun.alreadyCommitted(), at);
            if (!succeeded) {
                assertEquals(missing.size(), rerun.newBlobs(), at + ": the rerun must upload exactly what is missing");
            }
            assertIntact(healthy, "1");
            // Only a lease whose deletion was the failing call may remain (GC removes it once expired).
            List<String> left = keys(healthy, StoreKeys.LEASES);
            String faulted = faulty.log().get(k - 1);
            assertTrue(left.isEmpty() || (faulted.startsWith("delete " + StoreKeys.LEASES)
                    && left.equals(List.of(faulted.substring("delete ".length())))), at + ": leases left behind: " + left);
        }
        assertTrue(failed > calls / 2, "most faults should fail the publish, only " + failed + " of " + calls + " did");
    }

    /** Revokes the running publish's lease the way GC writes off a lease, the first time a blob is uploaded. */
    private static final class RevokingStore extends ForwardingStore {
        private final AtomicBoolean revoked = new AtomicBoolean();
        private final AtomicInteger leasesRevoked = new AtomicInteger();

        RevokingStore(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public PutOutcome putIfAbsent(String key, Payload payload) {
            if (key.startsWith(StoreKeys.BLOBS) && revoked.compareAndSet(false, true)) {
                List<ObjectInfo> leases = new ArrayList<>();
                delegate.list(StoreKeys.LEASES, leases::add);
                for (ObjectInfo l : leases) {
                    Versioned v = delegate.read(l.key()).orElseThrow();
                    Lease lease = Documents.decode(v.content(), Lease.class, l.key());
                    delegate.compareAndSwap(l.key(), Documents.encode(lease.revoke()), Optional.of(v.version()));
                    delegate.delete(List.of(l.key()));
                    leasesRevoked.incrementAndGet();
                }
            }
            return super.putIfAbsent(key, payload);
        }
    }

    @Test
    void aRevokedLeaseMakesThePublishStartOverAndCheckEveryBlob() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        CountingStore counting = new CountingStore(new FileSystemStore(tmp.resolve("store"), true));
        RevokingStore store = new RevokingStore(counting);
        PublishResult r = publish(store, dir, "1");
        assertEquals(1, store.leasesRevoked.get());
        assertEquals(2, r.attempts());
        assertEquals(2, timer.started());
        assertTrue(notes.stream().anyMatch(n -> n.contains("lease lost")), notes.toString());
        // two leases were created, and the second attempt looked at every blob again
        assertEquals(2, counting.calls().stream().filter(c -> c.startsWith("cas " + StoreKeys.LEASES)
                && !c.contains("renew")).map(c -> c.substring(4)).distinct().count());
        assertEquals(r.blobs(), r.newBlobs());
        assertIntact(store, "1");
        assertEquals(List.of(), keys(store, StoreKeys.LEASES));
    }

    /**
     * Simulates this publisher being paused past its lease: from the first write of a key with the given prefix
     * on, the store's timestamps jump ahead by more than the lease lifetime.
     */
    private static final class PausingStore extends ForwardingStore {
        volatile Duration jump = Duration.ZERO;
        final AtomicBoolean armed = new AtomicBoolean(true);
        final String pauseAt;
        final Duration pause;

        PausingStore(BlobStore delegate, String pauseAt, Duration pause) {
            super(delegate);
            this.pauseAt = pauseAt;
            this.pause = pause;
        }

        @Override
        public PutOutcome putIfAbsent(String key, Payload payload) {
            if (key.startsWith(pauseAt) && armed.compareAndSet(true, false)) {
                jump = pause;
            }
            return super.putIfAbsent(key, payload);
        }

        @Override
        public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expected) {
            if (key.startsWith(pauseAt) && armed.compareAndSet(true, false)) {
                jump = pause;
            }
            ObjectInfo i = super.compareAndSwap(key, content, expected);
            return new ObjectInfo(i.key(), i.size(), i.lastModified().plus(jump), i.version());
        }
    }

    @Test
    void aLeaseThatExpiredDuringTheUploadsIsCaughtBeforeTheCommit() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        CountingStore counting = new CountingStore(new FileSystemStore(tmp.resolve("store"), true));
        PausingStore store = new PausingStore(counting, StoreKeys.BLOBS, PublishSettings.DEFAULT_LEASE_TTL.plusMinutes(1));
        PublishResult r = publish(store, dir, "1");
        assertEquals(2, r.attempts());
        assertTrue(notes.stream().anyMatch(n -> n.contains("expired")), notes.toString());
        assertEquals(1, counting.count("cas", StoreKeys.RELEASES), "committed once, by the second attempt");
        assertIntact(store, "1");
    }

    @Test
    void aLeaseThatExpiredAroundTheCommitIsCaughtAfterItAndRepaired() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        CountingStore counting = new CountingStore(new FileSystemStore(tmp.resolve("store"), true));
        PausingStore store = new PausingStore(counting, StoreKeys.RELEASES, PublishSettings.DEFAULT_LEASE_TTL.plusMinutes(1));
        PublishResult r = publish(store, dir, "1");
        assertEquals(2, r.attempts(), "the confirmation after the commit must notice the expiry");
        // the second attempt checked every blob again and found the commit in place
        assertEquals(2, counting.count("cas", StoreKeys.RELEASES));
        assertEquals(2L * r.blobs(), counting.count("put", StoreKeys.BLOBS));
        assertEquals(r.blobs(), r.newBlobs());
        assertIntact(store, "1");
    }

    @Test
    void renewalsFollowTheClock() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        CountingStore counting = new CountingStore(new FileSystemStore(tmp.resolve("store"), true));
        AtomicInteger ticks = new AtomicInteger();
        BlobStore store = new ForwardingStore(counting) {
            @Override
            public PutOutcome putIfAbsent(String key, Payload payload) {
                if (key.startsWith(StoreKeys.BLOBS) && ticks.getAndIncrement() < 2) {
                    synchronized (ticks) {
                        timer.tick(); // not due yet: nothing happens
                        clock.advance(Duration.ofSeconds(201));
                        timer.tick(); // a third of the 600 s lease has passed: renews
                    }
                }
                return super.putIfAbsent(key, payload);
            }
        };
        PublishResult r = publish(store, dir, "1");
        assertEquals(1, r.attempts());
        long leaseWrites = counting.count("cas", StoreKeys.LEASES);
        // create + 2 timed renewals + the renewal before the commit + the confirmation after it
        assertEquals(5, leaseWrites, counting.calls().toString());
        assertIntact(store, "1");
    }

    private static void writeGcState(BlobStore store, GcState state) {
        Optional<Versioned> cur = store.read(StoreKeys.GC_STATE);
        store.compareAndSwap(StoreKeys.GC_STATE, Documents.encode(state), cur.map(Versioned::version));
    }

    @Test
    void waitsForAnActiveGcRunAndGoesOnWhenItEnds() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        writeGcState(store, new GcState(GcState.RUNNING, 1, "run-1", 3600, 0));
        List<Duration> sleeps = new ArrayList<>();
        GcGate.Sleeper sleeper = d -> {
            sleeps.add(d);
            assertTrue(keys(store, StoreKeys.LEASES).size() == 1, "the lease must exist before waiting");
            assertTrue(keys(store, StoreKeys.BLOBS).isEmpty(), "nothing may be uploaded before the gate");
            if (sleeps.size() == 3) {
                writeGcState(store, GcState.idle(1));
            }
        };
        PublishResult r = publisher(store, sleeper).publish(PublishRequest.of(dir, ReleaseId.of("1")));
        assertEquals(3, sleeps.size());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), sleeps);
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("waiting for GC run run-1")), notes.toString());
        assertEquals(r.blobs(), r.newBlobs());
        assertIntact(store, "1");
    }

    @Test
    void doesNotWaitForAGcRunPastItsDeadline() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        writeGcState(store, new GcState(GcState.RUNNING, 1, "dead-run", 0, 0));
        publish(store, dir, "1");
        assertIntact(store, "1");
    }

    @Test
    void aGcRunThatStopsHeartbeatingIsWaitedOutByStoreTime() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore fs = new FileSystemStore(tmp.resolve("store"), true);
        writeGcState(fs, new GcState(GcState.RUNNING, 1, "stuck", 1200, 0));
        // Store time advances only through our lease writes here: each wait moves it on by a quarter lease.
        AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);
        BlobStore store = new ForwardingStore(fs) {
            @Override
            public ObjectInfo compareAndSwap(String key, byte[] content, Optional<String> expected) {
                ObjectInfo i = super.compareAndSwap(key, content, expected);
                return key.startsWith(StoreKeys.LEASES)
                        ? new ObjectInfo(i.key(), i.size(), i.lastModified().plus(shift.get()), i.version()) : i;
            }
        };
        AtomicInteger sleeps = new AtomicInteger();
        GcGate.Sleeper sleeper = d -> {
            sleeps.incrementAndGet();
            shift.updateAndGet(s -> s.plusSeconds(150));
        };
        PublishResult r = publisher(store, sleeper).publish(PublishRequest.of(dir, ReleaseId.of("1")));
        assertEquals(1, r.attempts());
        assertTrue(sleeps.get() >= 8 && sleeps.get() <= 10, "waited " + sleeps.get() + " times");
        assertIntact(fs, "1");
    }

    @Test
    void autoReleaseNumbersAreDistinctUnderConcurrency() throws Exception {
        FileSystemStore fs = new FileSystemStore(tmp.resolve("store"), true);
        // Both allocators read the sequence before either writes it: one compare-and-swap must lose and retry.
        CyclicBarrier bothRead = new CyclicBarrier(2);
        AtomicInteger firstReads = new AtomicInteger();
        BlobStore store = new ForwardingStore(fs) {
            @Override
            public Optional<Versioned> read(String key) {
                Optional<Versioned> v = super.read(key);
                if (key.equals(StoreKeys.RELEASE_SEQUENCE) && firstReads.incrementAndGet() <= 2) {
                    try {
                        bothRead.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return v;
            }
        };
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<ReleaseId> a = two.submit(() -> new ReleaseSequence(store).next());
            Future<ReleaseId> b = two.submit(() -> new ReleaseSequence(store).next());
            Set<ReleaseId> got = Set.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS));
            assertEquals(Set.of(ReleaseId.of("1"), ReleaseId.of("2")), got);
        } finally {
            two.shutdownNow();
        }
        assertTrue(firstReads.get() >= 3, "the loser re-reads the sequence");
    }

    @Test
    void autoReleaseContinuesAfterExistingNumbersAndSkipsTakenOnes() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        publish(store, dir, "41");
        Publisher p = publisher(store, NO_SLEEP);
        PublishRequest auto = new PublishRequest(dir, Optional.empty(), Optional.empty(), null, Set.of());
        assertEquals(ReleaseId.of("42"), p.publish(auto).release());
        Trees.write(dir, Map1.of("index.html", "v2"));
        publish(store, dir, "43");
        Trees.write(dir, Map1.of("index.html", "v3"));
        assertEquals(ReleaseId.of("44"), p.publish(auto).release());
    }

    /** Map.of with one entry, named to read well above. */
    private static final class Map1 {
        static java.util.Map<String, String> of(String k, String v) {
            return java.util.Map.of(k, v);
        }
    }

    @Test
    void twoConcurrentPublishesOfTheSameIdBothSucceed() throws Exception {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<PublishResult>> runs = List.of(
                    two.submit(() -> new Publisher(store, PublishSettings.defaults(), clock, new ManualTimer(), NO_SLEEP, PublishListener.NONE)
                            .publish(PublishRequest.of(dir, ReleaseId.of("5")))),
                    two.submit(() -> new Publisher(store, PublishSettings.defaults(), clock, new ManualTimer(), NO_SLEEP, PublishListener.NONE)
                            .publish(PublishRequest.of(dir, ReleaseId.of("5")))));
            for (Future<PublishResult> f : runs) {
                assertEquals(ReleaseId.of("5"), f.get(30, TimeUnit.SECONDS).release());
            }
        } finally {
            two.shutdownNow();
        }
        assertIntact(store, "5");
    }

    @Test
    void aPublishThatNeverConfirmsItsLeaseDoesNotClaimSuccess() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore fs = new FileSystemStore(tmp.resolve("store"), true);
        // every lease is revoked right after the first upload of each attempt
        BlobStore store = new ForwardingStore(fs) {
            @Override
            public synchronized PutOutcome putIfAbsent(String key, Payload payload) {
                PutOutcome o = super.putIfAbsent(key, payload);
                List<ObjectInfo> leases = new ArrayList<>();
                fs.list(StoreKeys.LEASES, leases::add);
                for (ObjectInfo l : leases) {
                    Versioned v = fs.read(l.key()).orElseThrow();
                    Lease lease = Documents.decode(v.content(), Lease.class, l.key());
                    if (!lease.revoked()) {
                        fs.compareAndSwap(l.key(), Documents.encode(lease.revoke()), Optional.of(v.version()));
                    }
                }
                return o;
            }
        };
        try {
            publish(store, dir, "1");
            fail("a publish whose lease is always lost must not succeed");
        } catch (HoldfastException e) {
            assertTrue(e.getMessage().contains("lost the publish lease"), e.getMessage());
        }
        ReleaseManifest m = new ReleaseCatalog(fs).read(ReleaseId.of("1")).orElse(null);
        assertEquals(null, m, "a lost lease is noticed before the commit");
        assertNotEquals(0, notes.size());
    }
}
