package io.holdfast.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.retention.RetentionPolicy;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * blob. Afterwards: nothing missing, and GC to a fixed point leaves no orphan. Once with the protocol test
 * publisher, once with the project's publisher.
 */
abstract class GcStressContract {
    /** A new, empty store of the backend under test; {@code dir} is a fresh directory it may use. */
    protected abstract BlobStore openStore(Path dir);

    private static final long SEED = Long.getLong("stress.seed", System.nanoTime());
    private static final long MILLIS = Long.getLong("stress.millis", 4000);
    private static final RetentionPolicy RUTHLESS = RetentionPolicy.DEFAULT.with(Map.of("keep-last", "2", "keep-within", "0s",
            "keep-channel-history", "0", "keep-served-within", "0s", "retire-for", "0s", "grace", "0s",
            "max-remove-fraction", "1"), "stress");

    @TempDir
    Path dir;

    /** Publishes release number {@code i} of one publisher thread. */
    @FunctionalInterface
    interface Publishing {
        void publish(int i, Random random);
    }

    /** Makes the publishing function of publisher thread {@code t}. */
    @FunctionalInterface
    interface PublisherFactory {
        Publishing create(GcFixture f, int t);
    }

    @Test
    void protocolPublishersAndAggressiveGcNeverLoseABlob() throws Exception {
        stress((f, t) -> {
            ProtocolPublisher pub = f.publisher(f.store, ProtocolPublisher.Flaw.NONE, new GcFixture.TestWaiter(Duration.ofMillis(50)));
            return (i, random) -> {
                String[] contents = new String[5];
                for (int c = 0; c < contents.length; c++) {
                    contents[c] = c < 3 ? "shared-" + random.nextInt(12) + "-" + c : "own-" + t + "-" + i + "-" + c;
                }
                pub.publish(TestRelease.of("p" + t + "-" + i, contents));
            };
        });
    }

    @Test
    void realPublishersAndAggressiveGcNeverLoseABlob() throws Exception {
        stress((f, t) -> {
            RealPublishing real = new RealPublishing(f.store, f.time.clock(), Duration.ofMillis(50));
            return (i, random) -> {
                Map<String, String> files = new LinkedHashMap<>();
                for (int c = 0; c < 3; c++) {
                    // Shared and over the compression threshold: identity and br/gzip blobs shared between releases.
                    files.put("lib-" + c + ".js", ("/* shared " + random.nextInt(12) + " */ let x" + c + " = 1;\n").repeat(60));
                }
                files.put("app.css", "/* " + t + "-" + i + " */ body{margin:0}");
                files.put("index.html", "<!doctype html><link rel=stylesheet href=app.css><script src=lib-0.js></script>");
                real.publish(dir, "r" + t + "-" + i, files);
            };
        });
    }

    private void stress(PublisherFactory publishers) throws Exception {
        GcFixture f = new GcFixture(openStore(dir));
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicLong published = new AtomicLong();
        AtomicLong gcRuns = new AtomicLong();
        AtomicLong deleted = new AtomicLong();
        AtomicLong listingGlitches = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            tasks.add(pool.submit(() -> {
                Random random = new Random(SEED + thread);
                Publishing pub = publishers.create(f, thread);
                for (int i = 0; !stop.get(); i++) {
                    pub.publish(i, random);
                    published.incrementAndGet();
                }
                return null;
            }));
        }
        for (int g = 0; g < 2; g++) {
            tasks.add(pool.submit(() -> {
                while (!stop.get()) {
                    try {
                        GcReport r = f.gc(f.store, GcObserver.NONE).run(RUTHLESS, true, false);
                        gcRuns.incrementAndGet();
                        deleted.addAndGet(r.blobs().deleted());
                    } catch (HoldfastException e) {
                        if (e.kind() != ErrorKind.GC_BUSY) {
                            throw e;
                        }
                    } catch (NullPointerException e) {
                        // S3Proxy can list an object that is being written or deleted without an ETag, which the
                        // S3 store refuses mid-listing; the run stops before deleting anything. Counted, tolerated:
                        // this test is about safety, and an aborted run must never break it.
                        listingGlitches.incrementAndGet();
                    }
                    // Pacing: back-to-back runs would hold the gate shut almost all the time.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(60));
                }
                return null;
            }));
        }
        tasks.add(pool.submit(() -> {
            while (!stop.get()) {
                try {
                    monitor(f, violations);
                } catch (NullPointerException e) {
                    // the same listing glitch as above: look again
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // pacing: leave the store to the others
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
                + " listingGlitches=" + listingGlitches;
        System.out.println("stress: " + getClass().getSimpleName() + " " + summary);
        assertEquals(List.of(), List.copyOf(violations), summary);
        f.assertNothingMissing();
        assertTrue(published.get() > 0 && gcRuns.get() > 0, summary);
        f.runToFixedPoint(RUTHLESS);
        f.assertNothingMissing();
        assertEquals(Set.of(), f.orphans(), summary);
        f.store.close();
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
