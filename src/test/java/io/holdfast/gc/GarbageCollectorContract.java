package io.holdfast.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.lease.LeaseKeeper;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.GcState;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.retention.Action;
import io.holdfast.retention.Decision;
import io.holdfast.retention.RetentionPolicy;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.testing.FaultInjectingStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GC behaviour on the filesystem store, one protocol rule or policy feature per test. */
abstract class GarbageCollectorContract {
    /** A new, empty store of the backend under test; {@code dir} is a fresh directory it may use. */
    protected abstract BlobStore openStore(Path dir);

    @TempDir
    Path dir;
    GcFixture f;

    @BeforeEach
    void setUp() {
        f = new GcFixture(openStore(dir));
    }

    @AfterEach
    void closeStore() {
        f.store.close();
    }

    private static Decision decision(GcReport r, String id) {
        return r.releases().stream().filter(d -> d.id().value().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no decision for " + id + " in " + r.releases()));
    }

    @Test
    void retiresThenDeletesTheTombstoneThenItsBlobsInTwoPhases() {
        TestRelease r1 = TestRelease.of("1", "a", "shared", "x1");
        TestRelease r2 = TestRelease.of("2", "shared", "c");
        f.commit(r1);
        f.time.advance(Duration.ofMinutes(5));
        f.commit(r2);

        GcReport first = f.run(GcFixture.AGGRESSIVE);
        assertEquals(Action.RETIRE, decision(first, "1").action());
        assertEquals(List.of("committed 5m ago", "#2 by age", "never served"), decision(first, "1").reasons());
        assertEquals(List.of("newest 1"), decision(first, "2").reasons());
        assertFalse(f.exists(StoreKeys.release(r1.id())));
        assertTrue(f.exists(StoreKeys.retired(r1.id())));
        assertEquals(0, first.blobs().candidates(), "a retired release still references its blobs");

        f.time.advance(Duration.ofDays(1).plusMinutes(1));
        GcReport second = f.run(GcFixture.AGGRESSIVE);
        assertEquals(Action.DELETE, decision(second, "1").action());
        assertFalse(f.exists(StoreKeys.retired(r1.id())));
        assertEquals(3, second.blobs().candidates(), "a, x1 and its gzip variant; not the shared blob");
        assertEquals(0, second.blobs().deleted(), "first phase: candidates are only recorded");

        GcReport third = f.run(GcFixture.AGGRESSIVE);
        assertEquals(0, third.blobs().deleted(), "recorded less than a grace period ago");

        f.time.advance(Duration.ofHours(2));
        GcReport fourth = f.run(GcFixture.AGGRESSIVE);
        assertEquals(fourth.blobs().candidates(), fourth.blobs().deleted());
        r1.digests().stream().filter(d -> !r2.digests().contains(d)).forEach(d -> assertFalse(f.exists(d), d.hex()));
        r2.digests().forEach(d -> assertTrue(f.exists(d)));
        f.assertNothingMissing();
        assertEquals(Set.of(), f.orphans());
        assertEquals(GcState.IDLE, f.gcState().phase());
    }

    @Test
    void theRunsSeeCandidatesSinceTheirFirstSighting() {
        TestRelease r1 = TestRelease.of("1", "a", "b", "c");
        f.commit(r1);
        f.orphan("orphan-1");
        f.time.advance(Duration.ofHours(2));
        assertEquals(1, f.run(GcFixture.AGGRESSIVE).blobs().candidates());
        // Runs more often than the grace period must not reset the first sighting.
        for (int i = 0; i < 2; i++) {
            f.time.advance(Duration.ofMinutes(25));
            assertEquals(0, f.run(GcFixture.AGGRESSIVE).blobs().deleted(), "run " + i);
        }
        f.time.advance(Duration.ofMinutes(25));
        assertEquals(1, f.run(GcFixture.AGGRESSIVE).blobs().deleted(), "75 minutes > 1h grace since first sighting");
    }

    @Test
    void aDryRunWritesNothingAndPredictsTheRealRun() {
        for (int i = 1; i <= 4; i++) {
            f.commit(TestRelease.of(Integer.toString(i), "common", "only-" + i));
            f.time.advance(Duration.ofMinutes(1));
        }
        f.orphan("orphan-1");
        f.orphan("orphan-2");
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
        f.orphan("young");
        f.time.advance(Duration.ofDays(2));

        FaultInjectingStore recording = new FaultInjectingStore(f.store, 0);
        GcReport dry = new GarbageCollector(recording, f.time.clock(), GcFixture.SETTINGS, GcObserver.NONE)
                .run(GcFixture.AGGRESSIVE, true, true);
        List<String> writes = recording.log().stream()
                .filter(l -> l.startsWith("put") || l.startsWith("cas") || l.startsWith("delete")).toList();
        assertEquals(List.of(), writes, "a dry run writes nothing");
        assertTrue(dry.dryRun());

        GcReport real = f.run(GcFixture.AGGRESSIVE);
        assertEquals(actions(dry), actions(real));
        assertEquals(dry.blobs(), real.blobs());
        assertEquals(2, real.blobs().deleted(), "orphan-1 and orphan-2; 'young' was first seen just now");
        assertEquals(3, real.releaseActions().get("delete"), "releases 1-3 retired by the first run");
    }

    private static Map<String, Action> actions(GcReport r) {
        return r.releases().stream().collect(Collectors.toMap(d -> d.id().value(), Decision::action));
    }

    @Test
    void aSecondRunRightAfterDoesNothing() {
        for (int i = 1; i <= 3; i++) {
            f.commit(TestRelease.of(Integer.toString(i), "x" + i, "y" + i));
            f.time.advance(Duration.ofMinutes(1));
        }
        f.orphan("o");
        f.time.advance(Duration.ofDays(3));
        f.run(GcFixture.AGGRESSIVE);
        f.time.advance(Duration.ofDays(3));
        GcReport busy = f.run(GcFixture.AGGRESSIVE);
        assertFalse(busy.changedNothing());
        GcReport again = f.run(GcFixture.AGGRESSIVE);
        assertTrue(again.changedNothing(), () -> again.releases() + " " + again.blobs());
    }

    @Test
    void aPlanThatRemovesTooMuchIsRefusedUnlessForced() {
        for (int i = 1; i <= 4; i++) {
            f.commit(TestRelease.of(Integer.toString(i), "c" + i));
            f.time.advance(Duration.ofMinutes(1));
        }
        RetentionPolicy keepOne = GcFixture.AGGRESSIVE.with(Map.of("max-remove-fraction", "0.5"), "test");
        HoldfastException e = assertThrows(HoldfastException.class,
                () -> f.gc(f.store, GcObserver.NONE).run(keepOne, false, false));
        assertEquals(ErrorKind.GC_REFUSED, e.kind());
        assertTrue(e.getMessage().contains("retires 3 of 4 live releases (75%)"), e.getMessage());
        assertEquals(4, f.keys(StoreKeys.RELEASES).size(), "nothing retired");
        assertEquals(GcState.IDLE, f.gcState().phase(), "a refused run lets go of gc/state");

        GcReport dry = f.gc(f.store, GcObserver.NONE).run(keepOne, false, true);
        assertNotNull(dry.refusal(), "a dry run shows the refusal with the plan");

        GcReport forced = f.gc(f.store, GcObserver.NONE).run(keepOne, true, false);
        assertEquals(3, forced.releaseActions().get("retire"));
        assertEquals(1, f.keys(StoreKeys.RELEASES).size());

        f.time.advance(Duration.ofMinutes(1));
        RetentionPolicy nothing = GcFixture.AGGRESSIVE.with(Map.of("keep-last", "0"), "test");
        HoldfastException all = assertThrows(HoldfastException.class,
                () -> f.gc(f.store, GcObserver.NONE).run(nothing, false, false));
        assertTrue(all.getMessage().contains("every live release"), all.getMessage());
    }

    @Test
    void channelCurrentsAndPinsSurviveAPolicyThatKeepsNothing() {
        for (int i = 1; i <= 4; i++) {
            f.commit(TestRelease.of(Integer.toString(i), "c" + i, "shared"));
            f.time.advance(Duration.ofMinutes(1));
        }
        ChannelName prod = ChannelName.of("production");
        f.store.compareAndSwap(StoreKeys.channel(prod), Documents.encode(Channel.first(prod, ReleaseId.of("1"), GcFixture.day(0))),
                Optional.empty());
        new Pins(f.store, Clock.systemUTC()).pin(ReleaseId.of("2"), "incident 42");
        RetentionPolicy nothing = GcFixture.AGGRESSIVE.with(Map.of("keep-last", "0", "keep-channel-history", "0"), "test");

        GcReport r = f.run(nothing);
        assertEquals(List.of("current of production"), decision(r, "1").reasons());
        assertEquals(List.of("pinned: incident 42"), decision(r, "2").reasons());
        assertEquals(Action.RETIRE, decision(r, "3").action());
        assertEquals(Action.RETIRE, decision(r, "4").action());
        f.runToFixedPoint(nothing);
        assertEquals(Set.of(StoreKeys.release(ReleaseId.of("1")), StoreKeys.release(ReleaseId.of("2"))),
                f.keys(StoreKeys.RELEASES));
        assertEquals(Set.of(), f.keys(StoreKeys.RETIRED));
        f.assertNothingMissing();
        assertEquals(Set.of(), f.orphans());
    }

    @Test
    void anotherLiveRunMakesGcBusyAndADeadOneIsTakenOverAfterItsDeadline() {
        f.commit(TestRelease.of("1", "a"));
        f.store.compareAndSwap(StoreKeys.GC_STATE, Documents.encode(new GcState(GcState.RUNNING, 7, "dead", 600, 3)),
                Optional.empty());
        HoldfastException busy = assertThrows(HoldfastException.class, () -> f.run(GcFixture.AGGRESSIVE));
        assertEquals(ErrorKind.GC_BUSY, busy.kind());
        assertTrue(busy.getMessage().contains("dead"), busy.getMessage());

        f.time.advance(Duration.ofSeconds(600 + 30));
        assertEquals(ErrorKind.GC_BUSY, assertThrows(HoldfastException.class, () -> f.run(GcFixture.AGGRESSIVE)).kind(),
                "past the deadline but within the takeover margin");

        f.time.advance(Duration.ofSeconds(31));
        GcReport r = f.run(GcFixture.AGGRESSIVE);
        assertEquals("dead", r.takenOver());
        GcState after = f.gcState();
        assertEquals(GcState.IDLE, after.phase());
        assertEquals(8, after.epoch());
    }

    @Test
    void anUnexpiredLeaseProtectsItsDigestsAndAnExpiredOneIsRevoked() {
        Digest leased = f.orphan("leased");
        Digest loose = f.orphan("loose");
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
        LeaseKeeper lease = f.lease("9", List.of(leased), Duration.ofDays(1));
        f.time.advance(Duration.ofHours(2));

        GcReport r = f.run(GcFixture.AGGRESSIVE);
        assertEquals(List.of(lease.publishId()), r.leases().live());
        assertTrue(f.exists(leased));
        assertFalse(f.exists(loose));

        f.time.advance(Duration.ofDays(1).plusMinutes(1));
        GcReport expired = f.run(GcFixture.AGGRESSIVE);
        assertEquals(List.of(lease.publishId()), expired.leases().revoked());
        assertEquals(Set.of(), f.keys(StoreKeys.LEASES));
        assertFalse(lease.renew(), "the publisher learns it lost the lease");
        assertTrue(f.exists(leased), "its blob is a fresh candidate: a whole grace period before deletion");
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
        assertFalse(f.exists(leased));
    }

    @Test
    void aBlobUploadedAgainAfterItsDeletionWaitsAWholeSecondPhase() {
        Digest d = f.orphan("again");
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
        f.time.advance(Duration.ofHours(2));
        assertEquals(1, f.run(GcFixture.AGGRESSIVE).blobs().deleted());
        assertFalse(f.exists(d));

        f.orphan("again");
        f.time.advance(Duration.ofHours(2));
        GcReport r = f.run(GcFixture.AGGRESSIVE);
        assertEquals(0, r.blobs().deleted(), "the ledger's sighting was of the earlier upload");
        assertTrue(f.exists(d));
        f.time.advance(Duration.ofHours(2));
        assertEquals(1, f.run(GcFixture.AGGRESSIVE).blobs().deleted());
    }

    @Test
    void restoreBringsBackARetiredReleaseAndRefusesOnceItsBlobsAreGone() {
        TestRelease r1 = TestRelease.of("1", "a", "b", "c");
        TestRelease r2 = TestRelease.of("2", "d");
        f.commit(r1);
        f.time.advance(Duration.ofMinutes(1));
        f.commit(r2);
        f.run(GcFixture.AGGRESSIVE);
        assertTrue(f.exists(StoreKeys.retired(r1.id())));

        f.time.advance(Duration.ofMinutes(1)); // so the restore's commit is the newest, whatever the store's time resolution
        Restorer restorer = new Restorer(f.store, f.time.clock(), GcFixture.LEASE_TTL, new GcFixture.TestWaiter(), note -> { });
        assertEquals(r1.manifest(), restorer.restore(r1.id()));
        assertTrue(f.exists(StoreKeys.release(r1.id())));
        assertFalse(f.exists(StoreKeys.retired(r1.id())));
        assertEquals(Set.of(), f.keys(StoreKeys.LEASES), "the restore's lease is gone");
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(HoldfastException.class, () -> restorer.restore(r1.id())).kind());

        f.time.advance(Duration.ofMinutes(1));
        f.run(GcFixture.AGGRESSIVE.with(Map.of("keep-last", "1"), "t"));
        assertTrue(f.exists(StoreKeys.retired(r2.id())), "r1 was restored most recently, so it is the newest");
        f.store.delete(List.of(StoreKeys.blob(r2.digests().iterator().next())));
        HoldfastException gone = assertThrows(HoldfastException.class, () -> restorer.restore(r2.id()));
        assertEquals(ErrorKind.NOT_FOUND, gone.kind());
        assertTrue(gone.getMessage().contains("already collected"), gone.getMessage());
        assertFalse(f.exists(StoreKeys.release(r2.id())), "no release without its blobs");
        assertEquals(Set.of(), f.keys(StoreKeys.LEASES));
    }

    @Test
    void pinningARetiredReleaseMakesGcRestoreIt() {
        f.commit(TestRelease.of("1", "a"));
        f.time.advance(Duration.ofMinutes(1));
        f.commit(TestRelease.of("2", "b"));
        f.run(GcFixture.AGGRESSIVE);
        Pins pins = new Pins(f.store, Clock.systemUTC());
        assertEquals(Pins.Found.RETIRED, pins.pin(ReleaseId.of("1"), "audit"));
        GcReport r = f.run(GcFixture.AGGRESSIVE);
        assertEquals(Action.RESTORE, decision(r, "1").action());
        assertEquals(List.of("pinned: audit"), decision(r, "1").reasons());
        assertTrue(f.exists(StoreKeys.release(ReleaseId.of("1"))));
        assertFalse(f.exists(StoreKeys.retired(ReleaseId.of("1"))));

        pins.unpin(ReleaseId.of("1"));
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(HoldfastException.class, () -> pins.unpin(ReleaseId.of("1"))).kind());
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(HoldfastException.class,
                () -> pins.pin(ReleaseId.of("nope"), null)).kind());
    }

    @Test
    void aRetirementInterruptedBetweenCopyAndDeleteIsFinished() {
        TestRelease r1 = TestRelease.of("1", "a");
        f.commit(r1);
        f.time.advance(Duration.ofMinutes(1));
        f.commit(TestRelease.of("2", "b"));
        f.store.compareAndSwap(StoreKeys.retired(r1.id()), r1.manifestBytes(), Optional.empty());
        GcReport r = f.run(GcFixture.AGGRESSIVE);
        assertEquals(Action.RETIRE, decision(r, "1").action());
        assertFalse(f.exists(StoreKeys.release(r1.id())));
        assertTrue(f.exists(StoreKeys.retired(r1.id())));
        f.assertNothingMissing();
    }

    @Test
    void deletesAreBatchedAndEachBatchFollowsAHeartbeat() {
        for (int i = 0; i < 7; i++) {
            f.orphan("orphan-" + i);
        }
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
        f.time.advance(Duration.ofHours(2));
        FaultInjectingStore recording = new FaultInjectingStore(f.store, 0);
        GcReport r = new GarbageCollector(recording, f.time.clock(), GcFixture.SETTINGS, GcObserver.NONE)
                .run(GcFixture.AGGRESSIVE, true, false);
        assertEquals(7, r.blobs().deleted());
        List<String> log = recording.log();
        List<String> deletes = log.stream().filter(l -> l.startsWith("delete blobs/")).toList();
        assertEquals(3, deletes.size(), "7 keys in batches of 3: " + deletes);
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).startsWith("delete blobs/")) {
                assertEquals("cas " + StoreKeys.GC_STATE, log.get(i - 1), "heartbeat right before each batch");
            }
        }
    }
}
