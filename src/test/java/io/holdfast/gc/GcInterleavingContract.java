package io.holdfast.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.GcState;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.testing.InterceptingStore;
import io.holdfast.testing.InterceptingStore.Op;
import io.holdfast.testing.InterceptingStore.Pause;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interleavings of shared/models (gc.pml), forced with pauses inside per-actor store wrappers. Each scenario
 * first makes a blob {@code d} that GC would delete (an orphan already a candidate for longer than the grace
 * period) and a publish that reuses it. Scenarios that the model shows failing without one ordering rule run also
 * with a publisher that drops that rule, and must then fail: proof that the test can see the violation.
 */
abstract class GcInterleavingContract {
    /** A new, empty store of the backend under test; {@code dir} is a fresh directory it may use. */
    protected abstract BlobStore openStore(Path dir);

    @TempDir
    Path dir;
    GcFixture f;
    ExecutorService threads;
    Digest d;
    TestRelease p;

    @BeforeEach
    void setUp() {
        f = new GcFixture(openStore(dir));
        threads = Executors.newCachedThreadPool();
        d = f.orphan("d");
        f.time.advance(Duration.ofHours(2));
        f.run(GcFixture.AGGRESSIVE);
        f.time.advance(Duration.ofHours(2));
        p = TestRelease.of("p", "d", "new-1", "new-2");
    }

    @AfterEach
    void tearDown() {
        threads.shutdownNow();
        f.store.close();
    }

    private <T> Future<T> start(Callable<T> task) {
        return threads.submit(task);
    }

    private static <T> T join(Future<T> future) throws Exception {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }

    private Future<Void> publish(InterceptingStore s, ProtocolPublisher.Flaw flaw, GcFixture.TestWaiter waiter) {
        return start(() -> {
            f.publisher(s, flaw, waiter).publish(p);
            return null;
        });
    }

    private Future<GcReport> gc(InterceptingStore s) {
        return start(() -> f.gc(s, GcObserver.NONE).run(GcFixture.AGGRESSIVE, true, false));
    }

    @Test
    void aPublishThatHasCheckedABlobKeepsItWhileGcRuns() throws Exception {
        InterceptingStore pub = f.actor();
        Pause checked = pub.pauseAfter(Op.HEAD, StoreKeys.blob(d));
        Future<Void> publish = publish(pub, ProtocolPublisher.Flaw.NONE, new GcFixture.TestWaiter());
        checked.awaitReached();

        GcReport r = f.run(GcFixture.AGGRESSIVE);
        assertEquals(1, r.leases().live().size(), "the publisher's lease is a root");
        assertTrue(f.exists(d));
        checked.release();
        join(publish);
        assertTrue(f.exists(StoreKeys.release(p.id())));
        f.assertNothingMissing();
    }

    /**
     * Model (b): the publisher reads gc/state (idle), GC claims and lists leases and releases, then the publisher
     * goes on. Rule: the lease is written before gc/state is read, so GC's lease listing sees it.
     */
    @ParameterizedTest
    @EnumSource(value = ProtocolPublisher.Flaw.class, names = {"NONE", "GATE_BEFORE_LEASE"})
    void gcListsLeasesRightAfterThePublisherReadGcState(ProtocolPublisher.Flaw flaw) throws Exception {
        InterceptingStore pub = f.actor();
        Pause readGate = pub.pauseAfter(Op.READ, StoreKeys.GC_STATE);
        Future<Void> publish = publish(pub, flaw, new GcFixture.TestWaiter());
        readGate.awaitReached();

        InterceptingStore gcStore = f.actor();
        Pause listed = gcStore.pauseAfter(Op.LIST, StoreKeys.RELEASES);
        Future<GcReport> gc = gc(gcStore);
        listed.awaitReached();
        readGate.release();
        join(publish);
        listed.release();
        join(gc);

        if (flaw == ProtocolPublisher.Flaw.NONE) {
            f.assertNothingMissing();
        } else {
            assertEquals(List.of(StoreKeys.release(p.id()) + " -> " + StoreKeys.blob(d)), f.missingBlobs(),
                    "reading gc/state before the lease exists lets GC miss the publish");
        }
    }

    /**
     * Model (c) and "GC lists leases just before a lease is written": GC has listed leases and releases; a publisher
     * then creates its lease and finds GC running. Rule: it waits, and checks its blobs only after GC is done.
     */
    @ParameterizedTest
    @EnumSource(value = ProtocolPublisher.Flaw.class, names = {"NONE", "NO_WAIT"})
    void aPublishStartingAfterGcListedLeasesWaitsForIt(ProtocolPublisher.Flaw flaw) throws Exception {
        InterceptingStore gcStore = f.actor();
        Pause listedReleases = gcStore.pauseAfter(Op.LIST, StoreKeys.RELEASES);
        Future<GcReport> gc = gc(gcStore);
        listedReleases.awaitReached();

        GcFixture.TestWaiter waiter = new GcFixture.TestWaiter();
        Future<Void> publish = publish(f.actor(), flaw, waiter);
        if (flaw == ProtocolPublisher.Flaw.NONE) {
            assertTrue(waiter.waited.await(30, TimeUnit.SECONDS), "the publisher waits for the running GC");
            assertFalse(publish.isDone());
        } else {
            join(publish);
        }
        listedReleases.release();
        GcReport r = join(gc);
        assertEquals(1, r.blobs().deleted(), "GC deleted d: nothing it listed referenced it");
        join(publish);

        if (flaw == ProtocolPublisher.Flaw.NONE) {
            f.assertNothingMissing();
            assertTrue(f.exists(d), "uploaded again after the wait");
        } else {
            assertEquals(List.of(StoreKeys.release(p.id()) + " -> " + StoreKeys.blob(d)), f.missingBlobs());
        }
    }

    /**
     * Model (a): a publish passes the gate while GC is idle, GC claims, the publish commits and drops its lease, then
     * GC lists leases (none). Rule: releases are listed after leases, so GC sees the new release.
     */
    @Test
    void aPublishThatCommitsWhileGcStartsIsSeenInTheReleaseListing() throws Exception {
        InterceptingStore pub = f.actor();
        Pause passedGate = pub.pauseAfter(Op.READ, StoreKeys.GC_STATE);
        Future<Void> publish = publish(pub, ProtocolPublisher.Flaw.NONE, new GcFixture.TestWaiter());
        passedGate.awaitReached();

        InterceptingStore gcStore = f.actor();
        Pause claimed = gcStore.pauseAfter(Op.CAS, StoreKeys.GC_STATE);
        Future<GcReport> gc = gc(gcStore);
        claimed.awaitReached();
        passedGate.release();
        join(publish);
        assertEquals(List.of(), List.copyOf(f.keys(StoreKeys.LEASES)), "the publish finished and dropped its lease");
        claimed.release();
        GcReport r = join(gc);
        assertEquals(List.of(), r.leases().live());
        assertTrue(f.exists(d));
        f.assertNothingMissing();
    }

    /**
     * Model "timed flaw 1": the publisher checks d, stalls past its lease; GC writes the lease off and picks d; the
     * publisher commits, finds its lease lost. Rule (FIX_REPAIR): it starts over with a new lease and the gate, so
     * it waits for GC and then uploads d again.
     */
    @ParameterizedTest
    @EnumSource(value = ProtocolPublisher.Flaw.class, names = {"NONE", "NO_REPAIR"})
    void aLeaseExpiringWhileItsPublisherIsPaused(ProtocolPublisher.Flaw flaw) throws Exception {
        InterceptingStore pub = f.actor();
        Pause checked = pub.pauseAfter(Op.HEAD, StoreKeys.blob(d));
        GcFixture.TestWaiter waiter = new GcFixture.TestWaiter();
        Future<Void> publish = publish(pub, flaw, waiter);
        checked.awaitReached();
        f.time.advance(GcFixture.LEASE_TTL.plusMinutes(1));

        InterceptingStore gcStore = f.actor();
        Pause deleting = gcStore.pauseBefore(Op.DELETE, StoreKeys.BLOBS);
        Future<GcReport> gc = gc(gcStore);
        deleting.awaitReached();
        checked.release();
        if (flaw == ProtocolPublisher.Flaw.NONE) {
            assertTrue(waiter.waited.await(30, TimeUnit.SECONDS), "the repair goes through the gate again");
        } else {
            join(publish);
        }
        deleting.release();
        GcReport r = join(gc);
        assertEquals(1, r.leases().revoked().size());
        assertEquals(1, r.blobs().deleted());
        join(publish);

        if (flaw == ProtocolPublisher.Flaw.NONE) {
            f.assertNothingMissing();
        } else {
            assertEquals(List.of(StoreKeys.release(p.id()) + " -> " + StoreKeys.blob(d)), f.missingBlobs());
        }
    }

    /** FIX_LEASECHK: a lease that expired but was not revoked yet still fails the check; existence is not enough. */
    @Test
    void aLeaseThatExpiredButStillExistsFailsTheCheck() throws Exception {
        InterceptingStore pub = f.actor();
        Pause committing = pub.pauseBefore(Op.CAS, StoreKeys.release(p.id()));
        GcFixture.TestWaiter waiter = new GcFixture.TestWaiter();
        ProtocolPublisher publisher = f.publisher(pub, ProtocolPublisher.Flaw.NONE, waiter);
        Future<Void> publish = start(() -> {
            publisher.publish(p);
            return null;
        });
        committing.awaitReached();
        f.time.advance(GcFixture.LEASE_TTL.plusMinutes(1));
        committing.release();
        join(publish);
        assertEquals(2, publisher.attempts(), "the publish started over with a new lease");
        f.assertNothingMissing();
    }

    @Test
    void twoGcRunsAtOnceOneWinsTheOtherIsBusy() throws Exception {
        InterceptingStore s1 = f.actor();
        InterceptingStore s2 = f.actor();
        Pause read1 = s1.pauseAfter(Op.READ, StoreKeys.GC_STATE);
        Pause read2 = s2.pauseAfter(Op.READ, StoreKeys.GC_STATE);
        Future<GcReport> gc1 = gc(s1);
        Future<GcReport> gc2 = gc(s2);
        read1.awaitReached();
        read2.awaitReached();
        read1.release();
        read2.release();
        int won = 0;
        int busy = 0;
        for (Future<GcReport> g : List.of(gc1, gc2)) {
            try {
                join(g);
                won++;
            } catch (HoldfastException e) {
                assertEquals(ErrorKind.GC_BUSY, e.kind(), e.getMessage());
                busy++;
            }
        }
        assertEquals(1, won);
        assertEquals(1, busy);
        assertFalse(f.exists(d), "the winner did its work");
        assertEquals(GcState.IDLE, f.gcState().phase());

        // A run in progress (past its claim) also turns a second one away at once.
        InterceptingStore s3 = f.actor();
        Pause listing = s3.pauseAfter(Op.LIST, StoreKeys.LEASES);
        Future<GcReport> gc3 = gc(s3);
        listing.awaitReached();
        HoldfastException e = org.junit.jupiter.api.Assertions.assertThrows(HoldfastException.class,
                () -> f.run(GcFixture.AGGRESSIVE));
        assertEquals(ErrorKind.GC_BUSY, e.kind());
        listing.release();
        join(gc3);
    }

    /**
     * Model "timed flaw 2" and TAKEOVER: GC heartbeats before deleting d, then stalls past its deadline. A publisher
     * sees a running GC past its deadline, reuses d and commits; another GC takes the store over. Rule
     * (FIX_ATOMICDEL): the stalled run checks its time before the delete and stops; its delete never lands.
     */
    @ParameterizedTest
    @EnumSource(Takeover.class)
    void aGcStalledPastItsDeadlineNeverDeletesLate(Takeover takeover) throws Exception {
        InterceptingStore gcStore = f.actor();
        AtomicInteger stateWrites = new AtomicInteger();
        Pause heartbeat = gcStore.pauseAfter(Op.CAS, k -> k.equals(StoreKeys.GC_STATE) && stateWrites.incrementAndGet() == 2);
        AtomicReference<String> stopped = new AtomicReference<>();
        AtomicInteger batches = new AtomicInteger();
        GcObserver watch = new GcObserver() {
            @Override
            public void stopped(String runId, String reason) {
                stopped.set(reason);
            }

            @Override
            public void beforeDeleteBatch(List<String> keys) {
                batches.incrementAndGet();
            }
        };
        Future<GcReport> stalled = start(() -> f.gc(gcStore, watch).run(GcFixture.AGGRESSIVE, true, false));
        heartbeat.awaitReached();
        String stalledRun = f.gcState().runId();
        f.time.advance(GcFixture.SETTINGS.deadline().plus(GcFixture.SETTINGS.takeoverMargin()).plusMinutes(1));

        GcFixture.TestWaiter waiter = new GcFixture.TestWaiter();
        f.publisher(f.actor(), ProtocolPublisher.Flaw.NONE, waiter).publish(p);
        assertEquals(0, waiter.waits.get(), "the publisher does not wait for a GC past its deadline");
        if (takeover == Takeover.TAKEN_OVER) {
            GcReport second = f.run(GcFixture.AGGRESSIVE);
            assertEquals(stalledRun, second.takenOver());
        }
        heartbeat.release();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> join(stalled));
        assertInstanceOf(GcStoppedException.class, e);
        assertTrue(stopped.get().contains("too close to its deadline"), stopped.get());
        assertEquals(0, batches.get(), "no delete was issued");
        assertTrue(f.exists(d));
        f.assertNothingMissing();
    }

    enum Takeover { STALLED_ALONE, TAKEN_OVER }

    /** A run whose clock does not show the stall still learns of the takeover at its next heartbeat. */
    @Test
    void aTakenOverRunStopsAtItsNextHeartbeat() throws Exception {
        InterceptingStore gcStore = f.actor();
        Pause listed = gcStore.pauseAfter(Op.LIST, StoreKeys.BLOBS);
        Clock frozen = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        Future<GcReport> stalled = start(() -> new GarbageCollector(gcStore, frozen, GcFixture.SETTINGS, GcObserver.NONE)
                .run(GcFixture.AGGRESSIVE, true, false));
        listed.awaitReached();
        f.time.advance(GcFixture.SETTINGS.deadline().plus(GcFixture.SETTINGS.takeoverMargin()).plusMinutes(1));
        GcReport second = f.run(GcFixture.AGGRESSIVE);
        assertEquals(1, second.blobs().deleted());
        f.orphan("d"); // uploaded again by someone: a fresh blob the stalled run must not touch
        listed.release();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> join(stalled));
        assertInstanceOf(GcStoppedException.class, e);
        assertTrue(e.getMessage().contains("taken over") || e.getMessage().contains("written by another run"), e.getMessage());
        assertTrue(f.exists(d));
        assertEquals(GcState.IDLE, f.gcState().phase(), "the stalled run did not overwrite the new owner's state");
        assertNotEquals(null, f.gcState());
    }

    /** A promote racing with retirement: the release retired a moment ago is brought straight back. */
    @Test
    void aReleasePromotedWhileGcRetiresItIsRestored() throws Exception {
        TestRelease old = TestRelease.of("old", "o1");
        f.commit(old);
        f.time.advance(Duration.ofMinutes(1));
        f.commit(TestRelease.of("new", "n1"));
        InterceptingStore gcStore = f.actor();
        Pause readInputs = gcStore.pauseAfter(Op.LIST, StoreKeys.ACCESS);
        Future<GcReport> gc = gc(gcStore);
        readInputs.awaitReached();
        ChannelName prod = ChannelName.of("production");
        f.store.compareAndSwap(StoreKeys.channel(prod), Documents.encode(Channel.first(prod, old.id(), Instant.now())),
                Optional.empty());
        readInputs.release();
        GcReport r = join(gc);
        assertEquals(List.of(old.id()), r.restored());
        assertTrue(f.exists(StoreKeys.release(old.id())));
        assertFalse(f.exists(StoreKeys.retired(old.id())));
        assertNull(r.refusal());
        f.assertNothingMissing();
        assertEquals(ReleaseId.of("old"), r.restored().get(0));
    }

    // The same scenarios with the project's publisher (io.holdfast.publish.Publisher).

    private static final Map<String, String> FILES = Map.of("d.txt", "d", "app.css", "body{color:red}", "app.js", "go()");

    @Test
    void theRealPublisherWaitsForAGcThatListedLeasesBeforeItsLease() throws Exception {
        InterceptingStore gcStore = f.actor();
        Pause listedReleases = gcStore.pauseAfter(Op.LIST, StoreKeys.RELEASES);
        Future<GcReport> gc = gc(gcStore);
        listedReleases.awaitReached();

        RealPublishing real = new RealPublishing(f.actor(), f.time.clock(), Duration.ofMillis(2));
        Future<Object> publish = start(() -> real.publish(dir, "real-1", FILES));
        assertTrue(real.waited.await(30, TimeUnit.SECONDS), "the publisher waits for the running GC");
        listedReleases.release();
        assertEquals(1, join(gc).blobs().deleted(), "GC deleted d, which nothing it listed referenced");
        join(publish);
        assertTrue(f.exists(d), "uploaded again after the wait");
        f.assertNothingMissing();
    }

    @Test
    void theRealPublisherStartsOverWhenItsLeaseWasRevokedWhilePaused() throws Exception {
        InterceptingStore pub = f.actor();
        Pause reused = pub.pauseAfter(Op.PUT, StoreKeys.blob(d));
        RealPublishing real = new RealPublishing(pub, f.time.clock(), Duration.ofMillis(2));
        Future<io.holdfast.publish.PublishResult> publish = start(() -> real.publish(dir, "real-2", FILES));
        reused.awaitReached();
        f.time.advance(GcFixture.LEASE_TTL.plusMinutes(1));

        InterceptingStore gcStore = f.actor();
        Pause deleting = gcStore.pauseBefore(Op.DELETE, StoreKeys.BLOBS);
        Future<GcReport> gc = gc(gcStore);
        deleting.awaitReached();
        reused.release();
        assertTrue(real.waited.await(30, TimeUnit.SECONDS), "after the lost lease, the gate again");
        deleting.release();
        GcReport r = join(gc);
        assertEquals(1, r.leases().revoked().size());
        assertEquals(1, r.blobs().deleted());
        assertEquals(2, join(publish).attempts());
        assertTrue(f.exists(d));
        f.assertNothingMissing();
    }
}
