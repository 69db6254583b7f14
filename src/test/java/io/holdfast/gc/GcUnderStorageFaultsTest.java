package io.holdfast.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.RetryingStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.s3.S3Store;
import io.holdfast.testing.FaultyS3Proxy;
import io.holdfast.testing.FaultyS3Proxy.Fault;
import io.holdfast.testing.FaultyS3Proxy.On;
import io.holdfast.testing.S3TestServer;
import io.holdfast.testing.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GC through a failing S3 server (the in-process S3 server behind {@link FaultyS3Proxy}): lost delete answers,
 * resets while reading manifests, SlowDown on every delete, random faults. A failed run stops without deleting
 * anything it could not prove unreferenced; afterwards every blob of every committed or retired release exists
 * and verifies, and healthy runs reach the fixed point (orphans reclaimed).
 */
class GcUnderStorageFaultsTest {
    private FaultyS3Proxy proxy;
    private S3Store s3;
    private S3Store direct;
    /** GC's view: through the proxy, retrying, under virtual time. */
    private GcFixture f;
    /** The checker's view: straight to the server. */
    private GcFixture check;
    private final List<Digest> orphans = new ArrayList<>();

    @BeforeAll
    static void warmUp() {
        S3TestServer.shared().freshStore().close();
    }

    @BeforeEach
    void open() {
        S3TestServer server = S3TestServer.shared();
        String bucket = server.createBucket();
        proxy = FaultyS3Proxy.start(server.endpoint()).delay(Duration.ofMillis(2200));
        s3 = proxy.open(proxy.config(server, bucket, "store/"), Duration.ofMillis(1500));
        direct = S3Store.open(server.settings(server.config(bucket, "store/")), false);
        f = new GcFixture(new RetryingStore(s3, FaultyS3Proxy.fastRetries(3)));
        check = new GcFixture(direct);
        for (int i = 1; i <= 5; i++) {
            f.commit(TestRelease.of("r" + i, "shared-a", "shared-b", "own-" + i + "-x", "own-" + i + "-y", "own-" + i + "-z"));
        }
        for (int i = 0; i < 4; i++) {
            orphans.add(f.orphan("orphan-" + i));
        }
    }

    @AfterEach
    void close() {
        s3.close();
        direct.close();
        proxy.close();
    }

    /** Every committed or retired release has every blob, with the right bytes. */
    private void assertNothingLost(String context) {
        assertEquals(List.of(), check.missingBlobs(), context);
        ReleaseCatalog catalog = new ReleaseCatalog(direct);
        List<ReleaseManifest> all = new ArrayList<>();
        catalog.committed().forEach(e -> catalog.read(e.id()).ifPresent(all::add));
        catalog.retired().forEach(e -> catalog.readRetired(e.id()).ifPresent(all::add));
        for (ReleaseManifest m : all) {
            for (Digest d : m.digests()) {
                try (var in = direct.get(StoreKeys.blob(d), null).orElseThrow().body()) {
                    assertEquals(d, Digest.of(in.readAllBytes()), context + ": blob of " + m.id());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        assertTrue(check.keys(StoreKeys.RELEASES).size() >= 1, context + ": the newest release is kept");
    }

    /** Two healthy runs a grace period apart: releases retired, unreferenced blobs recorded as candidates. */
    private void prime() {
        f.run(GcFixture.AGGRESSIVE);
        f.time.advance(Duration.ofDays(2));
        f.run(GcFixture.AGGRESSIVE);
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
    }

    private long deletesFrom(int mark) {
        return proxy.log().subList(mark, proxy.log().size()).stream().filter(l -> l.startsWith("POST") && l.contains("?delete")).count();
    }

    /** One GC run that may fail; returns whether it completed. */
    private boolean gcMayFail(String context) {
        f.time.advance(Duration.ofHours(2));
        try {
            f.run(GcFixture.AGGRESSIVE);
            return true;
        } catch (HoldfastException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), context);
            return false;
        } finally {
            assertNothingLost(context + " (proxy log " + proxy.log().size() + " requests)");
        }
    }

    private void healAndReachFixedPoint(String context) {
        proxy.heal();
        f.runToFixedPoint(GcFixture.AGGRESSIVE);
        assertNothingLost(context + ", after healing");
        for (Digest d : orphans) {
            assertTrue(!check.exists(d), context + ": orphan " + d + " reclaimed in the end");
        }
        assertEquals(Set.of(), check.orphans(), context);
    }

    @Test
    void lostAndFailedDeleteAnswersNeverLoseALiveBlob() {
        prime();
        check.orphan("late-orphan-1"); // something for the next runs to delete
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
        proxy.on(On.batchDelete(), Fault.LOSE_RESPONSE, 0, 1).on(On.batchDelete(), Fault.RESET, 0, 1);
        assertTrue(gcMayFail("lost delete answer"), "a delete whose answer was lost is retried: " + proxy.log());
        assertTrue(proxy.count(Fault.LOSE_RESPONSE) + proxy.count(Fault.RESET) >= 1, proxy.log().toString());
        healAndReachFixedPoint("lost delete answer");
    }

    @Test
    void deletesThatKeepFailingStopTheRunWithNothingLost() {
        prime();
        check.orphan("late-orphan-2");
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
        proxy.always(On.batchDelete(), Fault.SLOW_DOWN);
        HoldfastException e = assertThrows(HoldfastException.class, () -> {
            f.time.advance(Duration.ofHours(2));
            f.run(GcFixture.AGGRESSIVE);
        });
        assertTrue(e.getMessage().contains("SlowDown") || e.getMessage().contains("503"), e.getMessage());
        assertNothingLost("deletes failing");
        healAndReachFixedPoint("deletes failing");
    }

    @Test
    void manifestsThatCannotBeReadStopTheRunBeforeAnyDelete() {
        f.run(GcFixture.AGGRESSIVE);
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE); // orphans are now candidates: the next run would delete them
        Set<String> blobsBefore = check.keys(StoreKeys.BLOBS);
        int mark = proxy.log().size();
        // Reading retired manifests (the roots) fails every time: no blob may be deleted.
        proxy.always(On.read("retired/"), Fault.RESET);
        f.time.advance(Duration.ofHours(2));
        assertThrows(HoldfastException.class, () -> f.run(GcFixture.AGGRESSIVE));
        assertEquals(blobsBefore, check.keys(StoreKeys.BLOBS), "no delete without the roots");
        assertEquals(0, deletesFrom(mark), proxy.log().toString());
        healAndReachFixedPoint("manifests unreadable");
    }

    @Test
    void aHeartbeatWhoseAnswerIsLostIsRecognisedAsOurs() {
        prime();
        proxy.on(On.put("gc/state"), Fault.LOSE_RESPONSE, 1, 1);
        assertTrue(gcMayFail("lost heartbeat"), proxy.log().toString());
        healAndReachFixedPoint("lost heartbeat");
    }

    @Test
    void randomFaultsNeverLoseALiveBlob() {
        long base = Seeds.seed("GcUnderStorageFaultsTest.randomFaults");
        int runs = Seeds.iterations(6);
        int completed = 0;
        for (int i = 0; i < runs; i++) {
            long seed = base + i;
            proxy.random(seed, i % 2 == 0 ? 0.1 : 0.4, List.of(Fault.INTERNAL_ERROR, Fault.SLOW_DOWN, Fault.RESET, Fault.LOSE_RESPONSE,
                    Fault.CUT_BODY), On.any());
            if (gcMayFail("seed " + seed + " (replay: -Dholdfast.seed=" + base + "), run " + i)) {
                completed++;
            }
            proxy.heal();
            // A run that died holding gc/state blocks the next until its deadline: let that pass, as in production.
            f.time.advance(GcFixture.SETTINGS.deadline().plus(GcFixture.SETTINGS.takeoverMargin()));
        }
        System.out.println("[figures] gc under random faults: runs=" + runs + " completed=" + completed
                + " stopped=" + (runs - completed) + " faults_injected=" + proxy.faults() + " requests=" + proxy.log().size());
        healAndReachFixedPoint("random faults from seed " + base);
    }
}
