package io.holdfast.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.retention.RetentionPolicy;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import io.holdfast.store.fs.FileSystemStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few seconds of publishers sharing blobs, two GC loops with a policy that deletes everything it may at once
 * (no grace, no retirement period, newest two kept) and a monitor checking that no retained release ever misses a
 * blob. Afterwards: nothing missing, and GC to a fixed point leaves no orphan.
 */
class GcStressTest {
    private static final long SEED = Long.getLong("stress.seed", System.nanoTime());
    private static final long MILLIS = Long.getLong("stress.millis", 3000);
    private static final RetentionPolicy RUTHLESS = RetentionPolicy.DEFAULT.with(Map.of("keep-last", "2", "keep-within", "0s",
            "keep-channel-history", "0", "keep-served-within", "0s", "retire-for", "0s", "grace", "0s",
            "max-remove-fraction", "1"), "stress");

    @TempDir
    Path dir;

    @Test
    void publishersAndAggressiveGcTogetherNeverLoseABlob() throws Exception {
        GcFixture f = new GcFixture(new FileSystemStore(dir, true));
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicLong published = new AtomicLong();
        AtomicLong gcRuns = new AtomicLong();
        AtomicLong deleted = new AtomicLong();
        AtomicLong gcNanos = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int publisher = t;
            tasks.add(pool.submit(() -> {
                Random random = new Random(SEED + publisher);
                ProtocolPublisher pub = f.publisher(f.store, ProtocolPublisher.Flaw.NONE, new GcFixture.TestWaiter(Duration.ofMillis(20)));
                for (int i = 0; !stop.get(); i++) {
                    String[] contents = new String[5];
                    for (int c = 0; c < contents.length; c++) {
                        contents[c] = c < 3 ? "shared-" + random.nextInt(12) + "-" + c : "own-" + publisher + "-" + i + "-" + c;
                    }
                    pub.publish(TestRelease.of("p" + publisher + "-" + i, contents));
                    published.incrementAndGet();
                }
                return null;
            }));
        }
        for (int g = 0; g < 2; g++) {
            tasks.add(pool.submit(() -> {
                while (!stop.get()) {
                    try {
                        long t0 = System.nanoTime();
                        GcReport r = f.gc(f.store, GcObserver.NONE).run(RUTHLESS, true, false);
                        gcNanos.addAndGet(System.nanoTime() - t0);
                        gcRuns.incrementAndGet();
                        deleted.addAndGet(r.blobs().deleted());
                    } catch (HoldfastException e) {
                        if (e.kind() != ErrorKind.GC_BUSY) {
                            throw e;
                        }
                    }
                    // Pacing: back-to-back runs would hold the gate shut almost all the time.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(60));
                }
                return null;
            }));
        }
        tasks.add(pool.submit(() -> {
            while (!stop.get()) {
                monitor(f, violations);
            }
            return null;
        }));
        Thread.sleep(MILLIS); // the test's duration, not a synchronisation
        stop.set(true);
        for (Future<?> t : tasks) {
            t.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        String summary = "seed=" + SEED + " published=" + published + " gcRuns=" + gcRuns + " blobsDeleted=" + deleted
                + " gcMillis=" + gcNanos.get() / 1_000_000;
        System.out.println("stress: " + summary);
        assertEquals(List.of(), List.copyOf(violations), summary);
        f.assertNothingMissing();
        assertTrue(published.get() > 0 && gcRuns.get() > 0, summary);
        f.runToFixedPoint(RUTHLESS);
        f.assertNothingMissing();
        assertEquals(Set.of(), f.orphans(), summary);
    }

    /** A blob missing while its release's manifest exists before and after the check is a violation (ids are unique). */
    private static void monitor(GcFixture f, ConcurrentLinkedQueue<String> violations) {
        for (String prefix : List.of(StoreKeys.RELEASES, StoreKeys.RETIRED)) {
            for (String key : f.keys(prefix)) {
                Optional<Versioned> v = f.store.read(key);
                if (v.isEmpty()) {
                    continue;
                }
                ReleaseManifest m = Documents.decodeManifest(v.get().content(), key);
                for (Digest d : m.digests()) {
                    if (!f.exists(d) && (f.exists(StoreKeys.release(m.id())) || f.exists(StoreKeys.retired(m.id())))) {
                        violations.add(key + " retained without " + StoreKeys.blob(d));
                    }
                }
            }
        }
    }
}
