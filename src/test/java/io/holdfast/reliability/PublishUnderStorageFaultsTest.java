package io.holdfast.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.error.HoldfastException;
import io.holdfast.lease.GcGate;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.publish.PublishListener;
import io.holdfast.publish.PublishRequest;
import io.holdfast.publish.PublishResult;
import io.holdfast.publish.PublishSettings;
import io.holdfast.publish.Publisher;
import io.holdfast.store.BlobStore;
import io.holdfast.store.RetryingStore;
import io.holdfast.store.StoreException;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.s3.S3Store;
import io.holdfast.testing.FaultyS3Proxy.Fault;
import io.holdfast.testing.FaultyS3Proxy.On;
import io.holdfast.testing.FaultyS3Proxy;
import io.holdfast.testing.ManualTimer;
import io.holdfast.testing.MutableClock;
import io.holdfast.testing.S3TestServer;
import io.holdfast.testing.Seeds;
import io.holdfast.testing.Trees;
import io.holdfast.verify.Verifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publish through a failing S3 server (the in-process S3 server behind {@link FaultyS3Proxy}): errors, SlowDown,
 * timeouts, resets and lost responses at the steps that matter, then random faults from printed seeds. Whatever
 * happens, a publish either completes with every blob in place or fails with a store error; a release is visible
 * only with every blob intact; and a rerun on a healthy store completes.
 */
class PublishUnderStorageFaultsTest {
    private static final Duration SOCKET_TIMEOUT = Duration.ofMillis(1500);
    @TempDir
    Path tmp;
    private Path site;
    private FaultyS3Proxy proxy;
    private S3Store s3;
    private BlobStore store;
    private S3Store direct;

    @BeforeAll
    static void warmUp() {
        S3TestServer.shared().freshStore().close();
    }

    @BeforeEach
    void open() {
        Map<String, String> files = Trees.smallSite();
        files.putAll(Trees.numbered(6, 11));
        site = Trees.write(tmp.resolve("site"), files);
        S3TestServer server = S3TestServer.shared();
        String bucket = server.createBucket();
        proxy = FaultyS3Proxy.start(server.endpoint()).delay(SOCKET_TIMEOUT.plusMillis(700));
        s3 = proxy.open(proxy.config(server, bucket, "store/"), SOCKET_TIMEOUT);
        store = new RetryingStore(s3, FaultyS3Proxy.fastRetries(4));
        direct = S3Store.open(server.settings(server.config(bucket, "store/")), false);
    }

    @AfterEach
    void close() {
        s3.close();
        direct.close();
        proxy.close();
    }

    private PublishResult publish(BlobStore target, String id) {
        GcGate.Sleeper noGc = d -> {
            throw new AssertionError("no GC runs in this test");
        };
        return new Publisher(target, PublishSettings.defaults().withThreads(1, 1), new MutableClock(Instant.parse("2030-01-01T00:00:00Z")),
                new ManualTimer(), noGc, PublishListener.NONE).publish(PublishRequest.of(site, ReleaseId.of(id)));
    }

    /** Checked behind the proxy's back: visible means every blob is there with the right bytes. */
    private boolean visibleAndIntact(String id, String context) {
        var m = new ReleaseCatalog(direct).read(ReleaseId.of(id));
        if (m.isEmpty()) {
            return false;
        }
        Verifier.Report r = new Verifier(direct, 2).verify(List.of(m.get()));
        assertTrue(r.ok(), context + ": a visible release is damaged: " + r.damage());
        return true;
    }

    private void assertPublishedDespite(String id, Consumer<FaultyS3Proxy> faults) {
        faults.accept(proxy);
        PublishResult r = publish(store, id);
        String context = "release " + id + ", proxy log " + proxy.log();
        assertTrue(proxy.faults() > 0, "no fault was injected: " + context);
        assertEquals(ReleaseId.of(id), r.release());
        assertTrue(visibleAndIntact(id, context), context);
        proxy.heal();
    }

    @Test
    void transientFaultsAtEachStepAreRetriedAndThePublishCompletes() {
        assertPublishedDespite("slowdown-on-blobs", p -> p.on(On.put("blobs/"), Fault.SLOW_DOWN, 0, 3));
        assertPublishedDespite("500-on-lease", p -> p.once(On.put("leases/"), Fault.INTERNAL_ERROR));
        assertPublishedDespite("reset-on-commit", p -> p.once(On.put("releases/"), Fault.RESET));
        assertPublishedDespite("timeout-on-blob", p -> p.once(On.put("blobs/"), Fault.DELAY));
        assertPublishedDespite("cut-listing", p -> p.once(On.list("releases/"), Fault.CUT_BODY));
        assertPublishedDespite("reset-on-gc-state", p -> p.once(On.read("gc/state"), Fault.RESET));
    }

    @Test
    void lostResponsesOfWritesThatHappenedAreRecognised() {
        // The blob is stored but its answer lost: the retry's 412 is our own first attempt.
        assertPublishedDespite("lost-blob", p -> p.on(On.put("blobs/"), Fault.LOSE_RESPONSE, 1, 2));
        // The lease is created but its answer lost: the retry's conflict is our own lease.
        assertPublishedDespite("lost-lease", p -> p.once(On.put("leases/"), Fault.LOSE_RESPONSE));
        // The commit happened but its answer was lost: the release is committed exactly once, and reported so.
        assertPublishedDespite("lost-commit", p -> p.once(On.put("releases/"), Fault.LOSE_RESPONSE));
        // The lease's deletion happened but its answer was lost.
        assertPublishedDespite("lost-lease-delete", p -> p.once(On.method("DELETE"), Fault.LOSE_RESPONSE));
    }

    @Test
    void aStoreThatKeepsFailingFailsThePublishCleanlyAndARerunCompletes() {
        // Every blob upload fails: the publish gives up with a store error and nothing becomes visible.
        proxy.always(On.put("blobs/"), Fault.INTERNAL_ERROR);
        StoreException e = assertThrows(StoreException.class, () -> publish(store, "1"));
        assertTrue(e.getMessage().contains("blobs/"), e.getMessage());
        assertFalse(visibleAndIntact("1", "blobs failing"));

        // The commit keeps timing out: still nothing visible.
        proxy.heal().always(On.put("releases/"), Fault.SLOW_DOWN);
        assertThrows(StoreException.class, () -> publish(store, "1"));
        assertFalse(visibleAndIntact("1", "commit failing"));

        // Healthy again: the rerun completes and uploads only what is missing.
        proxy.heal();
        PublishResult r = publish(store, "1");
        assertTrue(r.newBlobs() < r.blobs(), "the rerun reused blobs the failed runs uploaded: " + r);
        assertTrue(visibleAndIntact("1", "rerun"));
    }

    @Test
    void aCommitWhoseAnswerIsLostAndThenAnOutageLeavesACompleteRelease() {
        // The manifest is created, its answer lost, and from then on the store fails: the publish reports failure,
        // but what became visible is complete, and the rerun reports it as already committed.
        java.util.concurrent.atomic.AtomicBoolean committed = new java.util.concurrent.atomic.AtomicBoolean();
        proxy.once(r -> r.is("PUT") && r.key().contains("releases/") && !committed.getAndSet(true), Fault.LOSE_RESPONSE)
                .always(r -> committed.get(), Fault.RESET);
        assertThrows(HoldfastException.class, () -> publish(store, "1"));
        assertTrue(visibleAndIntact("1", "lost commit then outage"));
        proxy.heal();
        assertTrue(publish(store, "1").alreadyCommitted());
    }

    @Test
    void randomFaultsNeverLeaveAPartialRelease() {
        long base = Seeds.seed("PublishUnderStorageFaultsTest.randomFaults");
        int runs = Seeds.iterations(6);
        int succeeded = 0;
        int failed = 0;
        for (int i = 0; i < runs; i++) {
            long seed = base + i;
            String id = "r" + i;
            double p = new double[] {0.1, 0.3, 0.6}[i % 3];
            // Timeouts (DELAY) cost seconds each: the targeted test covers them.
            proxy.random(seed, p, List.of(Fault.INTERNAL_ERROR, Fault.SLOW_DOWN, Fault.RESET, Fault.LOSE_RESPONSE,
                    Fault.CUT_BODY), On.any());
            boolean ok;
            try {
                publish(store, id);
                ok = true;
                succeeded++;
            } catch (HoldfastException e) {
                ok = false;
                failed++;
            }
            String context = "seed " + seed + " (replay: -Dholdfast.seed=" + base + "), run " + i + ", p=" + p;
            boolean visible = visibleAndIntact(id, context);
            if (ok) {
                assertTrue(visible, context + ": reported success but not visible");
            }
            proxy.heal();
            PublishResult rerun = publish(store, id);
            assertEquals(visible, rerun.alreadyCommitted(), context);
            assertTrue(visibleAndIntact(id, context + ", rerun"));
        }
        System.out.println("[figures] publish under random faults: runs=" + runs + " succeeded=" + succeeded
                + " failed_cleanly=" + failed + " faults_injected=" + proxy.faults() + " requests=" + proxy.log().size());
        assertEquals(runs, succeeded + failed);
    }

    static List<String> keys(BlobStore s, String prefix) {
        List<String> out = new java.util.ArrayList<>();
        s.list(prefix, i -> out.add(i.key()));
        return out;
    }

    static ReleaseManifest manifest(BlobStore s, String id) {
        return new ReleaseCatalog(s).require(ReleaseId.of(id));
    }

    static String blobsPrefix() {
        return StoreKeys.BLOBS;
    }
}
