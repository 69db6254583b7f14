package io.holdfast.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.testing.FaultInjectingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash points: a GC run (or a publish) is aborted at its k-th store call, for every k; then GC runs to a fixed
 * point. Every committed or retired release must keep all its blobs at every moment, and everything unreferenced
 * (orphans of the crashed publish, expired leases, expired tombstones) must eventually be reclaimed.
 */
abstract class GcCrashPointContract {
    /** A new, empty store of the backend under test; {@code dir} is a fresh directory it may use. */
    protected abstract BlobStore openStore(Path dir);

    /** Whether to abort the test publisher at every call too (its store calls are the same on every backend). */
    protected boolean withPublishCrashPoints() {
        return true;
    }

    @TempDir
    Path dir;

    /** A store with something for every GC step to do. */
    private GcFixture prepared(Path root) {
        GcFixture f = new GcFixture(openStore(root));
        // One set-up run retires release 0 and records o1 and o2 as candidates; a day later, the run under test
        // finds an expired tombstone and two deletable orphans.
        f.commit(TestRelease.of("0", "zero", "shared-a"));
        f.orphan("o1");
        f.orphan("o2");
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE.with(java.util.Map.of("keep-last", "0"), "setup"));
        f.time.advance(Duration.ofDays(1).plusHours(2));
        HeldLease.create(f.store, ReleaseId.of("crashed"), List.of(f.orphan("o3")), Duration.ofMinutes(10));
        for (int i = 1; i <= 4; i++) {
            f.commit(TestRelease.of(Integer.toString(i), "only-" + i, "shared-a", "shared-b-" + (i % 2)));
            f.time.advance(Duration.ofMinutes(1));
        }
        ChannelName prod = ChannelName.of("production");
        f.store.compareAndSwap(StoreKeys.channel(prod), Documents.encode(Channel.first(prod, ReleaseId.of("2"), GcFixture.day(0))),
                Optional.empty());
        new Pins(f.store, Clock.systemUTC()).pin(ReleaseId.of("1"), "incident 7");
        f.time.advance(Duration.ofHours(2));
        return f;
    }

    private void assertSettled(GcFixture f, String when) {
        f.assertNothingMissing();
        f.runToFixedPoint(GcFixture.AGGRESSIVE);
        assertEquals(List.of(), f.missingBlobs(), when);
        assertEquals(Set.of(), f.orphans(), "orphans left " + when);
        assertEquals(Set.of(), f.keys(StoreKeys.LEASES), "leases left " + when);
        assertEquals(Set.of(StoreKeys.release(ReleaseId.of("1")), StoreKeys.release(ReleaseId.of("2")),
                StoreKeys.release(ReleaseId.of("4"))), f.keys(StoreKeys.RELEASES), when);
    }

    private Path fresh(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    @TestFactory
    Stream<DynamicTest> gcAbortedAtEveryStoreCall() throws IOException {
        GcFixture baseline = prepared(fresh("baseline"));
        FaultInjectingStore counting = new FaultInjectingStore(baseline.store, 0);
        GcReport r = baseline.gc(counting, GcObserver.NONE).run(GcFixture.AGGRESSIVE, true, false);
        assertTrue(r.blobs().deleted() > 0 && r.releaseActions().get("retire") > 0 && !r.leases().revoked().isEmpty(),
                "the scenario exercises every step: " + r);
        int calls = counting.calls();
        baseline.store.close();
        return IntStream.rangeClosed(1, calls).mapToObj(k -> DynamicTest.dynamicTest("abort at call " + k + " of " + calls, () -> {
            GcFixture f = prepared(fresh("gc-" + k));
            FaultInjectingStore failing = new FaultInjectingStore(f.store, k);
            try {
                f.gc(failing, GcObserver.NONE).run(GcFixture.AGGRESSIVE, true, false);
            } catch (HoldfastException expected) {
                // the injected fault, or a stop it caused
            }
            assertEquals(List.of(), f.missingBlobs(), "right after the abort at " + failing.log().get(k - 1));
            assertSettled(f, "after an abort at " + failing.log().get(k - 1));
            f.store.close();
        }));
    }

    @TestFactory
    Stream<DynamicTest> publishAbortedAtEveryStoreCall() throws IOException {
        if (!withPublishCrashPoints()) {
            return Stream.empty();
        }
        TestRelease next = TestRelease.of("5", "only-5", "shared-a", "o1", "new-5");
        GcFixture baseline = prepared(fresh("pub-baseline"));
        FaultInjectingStore counting = new FaultInjectingStore(baseline.store, 0);
        baseline.publisher(counting, ProtocolPublisher.Flaw.NONE, new GcFixture.TestWaiter()).publish(next);
        int calls = counting.calls();
        baseline.store.close();
        return IntStream.rangeClosed(1, calls).mapToObj(k -> DynamicTest.dynamicTest("abort at call " + k + " of " + calls, () -> {
            GcFixture f = prepared(fresh("pub-" + k));
            FaultInjectingStore failing = new FaultInjectingStore(f.store, k);
            boolean committed;
            try {
                f.publisher(failing, ProtocolPublisher.Flaw.NONE, new GcFixture.TestWaiter()).publish(next);
                committed = true;
            } catch (HoldfastException expected) {
                committed = f.exists(StoreKeys.release(next.id()));
            }
            String where = failing.log().get(k - 1);
            f.assertNothingMissing();
            // The crashed publish's lease expires; its uploads become orphans; GC reclaims them (or keeps the
            // release, retiring it per policy, if the manifest was committed before the crash).
            f.runToFixedPoint(GcFixture.AGGRESSIVE);
            assertEquals(List.of(), f.missingBlobs(), "after an abort at " + where);
            assertEquals(Set.of(), f.orphans(), "orphans left after an abort at " + where);
            assertEquals(Set.of(), f.keys(StoreKeys.LEASES), "leases left after an abort at " + where);
            if (committed) {
                assertTrue(f.exists(StoreKeys.release(next.id())) || f.exists(StoreKeys.retired(next.id()))
                        || f.keys(StoreKeys.RETIRED).isEmpty(), where);
            }
            f.store.close();
        }));
    }
}
