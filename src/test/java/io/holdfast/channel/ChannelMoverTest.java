package io.holdfast.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelEntry;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelMoverTest {
    @TempDir
    Path tmp;

    private FileSystemStore store;
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final ChannelName prod = ChannelName.of("production");

    @BeforeEach
    void releases() {
        store = new FileSystemStore(tmp.resolve("store"), true);
        for (String id : List.of("1", "2", "3")) {
            ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of(id), Instant.EPOCH, null, List.of());
            store.compareAndSwap(StoreKeys.release(ReleaseId.of(id)), Documents.encode(m), Optional.empty());
        }
    }

    private Channel channel() {
        return new ChannelRegistry(store).read(prod).orElseThrow().channel();
    }

    private List<ReleaseId> history() {
        return channel().history().stream().map(ChannelEntry::release).toList();
    }

    @Test
    void promoteCreatesAndMovesTheChannelWithHistory() {
        ChannelMover mover = new ChannelMover(store, clock);
        assertTrue(mover.promote(prod, ReleaseId.of("1"), Optional.empty()).changed());
        assertTrue(mover.promote(prod, ReleaseId.of("2"), Optional.empty()).changed());
        assertFalse(mover.promote(prod, ReleaseId.of("2"), Optional.empty()).changed());
        assertEquals(ReleaseId.of("2"), channel().current());
        assertEquals(List.of(ReleaseId.of("2"), ReleaseId.of("1")), history());
        assertEquals(List.of("production"), new ChannelRegistry(store).list().stream().map(s -> s.channel().name().value()).toList());
    }

    @Test
    void promoteRefusesReleasesThatAreNotCommitted() {
        HoldfastException e = assertThrows(HoldfastException.class,
                () -> new ChannelMover(store, clock).promote(prod, ReleaseId.of("9"), Optional.empty()));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(new ChannelRegistry(store).read(prod).isEmpty());
    }

    @Test
    void rollbackGoesToThePreviousReleaseOrTheOneNamed() {
        ChannelMover mover = new ChannelMover(store, clock);
        mover.promote(prod, ReleaseId.of("1"), Optional.empty());
        mover.promote(prod, ReleaseId.of("2"), Optional.empty());
        mover.promote(prod, ReleaseId.of("3"), Optional.empty());
        assertEquals(ReleaseId.of("2"), mover.rollback(prod, Optional.empty()).to());
        assertEquals(ReleaseId.of("3"), mover.rollback(prod, Optional.empty()).to(), "rolling back twice returns");
        assertEquals(ReleaseId.of("1"), mover.rollback(prod, Optional.of(ReleaseId.of("1"))).to());
        assertEquals("rollback", channel().history().get(0).action());
        HoldfastException e = assertThrows(HoldfastException.class, () -> mover.rollback(prod, Optional.of(ReleaseId.of("8"))));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals(ErrorKind.NOT_FOUND, assertThrows(HoldfastException.class,
                () -> mover.rollback(ChannelName.of("staging"), Optional.empty())).kind());
    }

    @Test
    void rollbackRefusesATargetThatWasRetired() {
        ChannelMover mover = new ChannelMover(store, clock);
        mover.promote(prod, ReleaseId.of("1"), Optional.empty());
        mover.promote(prod, ReleaseId.of("2"), Optional.empty());
        byte[] m1 = store.read(StoreKeys.release(ReleaseId.of("1"))).orElseThrow().content();
        store.compareAndSwap(StoreKeys.retired(ReleaseId.of("1")), m1, Optional.empty());
        store.delete(List.of(StoreKeys.release(ReleaseId.of("1"))));
        HoldfastException e = assertThrows(HoldfastException.class, () -> mover.rollback(prod, Optional.empty()));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("retired"), e.getMessage());
        assertEquals(ReleaseId.of("2"), channel().current());
    }

    /** Holds every channel compare-and-swap until two movers have both read the channel. */
    private BlobStore racing(CyclicBarrier bothRead, AtomicInteger reads) {
        return new ForwardingStore(store) {
            @Override
            public Optional<Versioned> read(String key) {
                Optional<Versioned> v = super.read(key);
                if (key.startsWith(StoreKeys.CHANNELS) && reads.incrementAndGet() <= 2) {
                    await(bothRead);
                }
                return v;
            }
        };
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void racingPromotesBothLandAndTheHistoryKeepsBoth() throws Exception {
        new ChannelMover(store, clock).promote(prod, ReleaseId.of("1"), Optional.empty());
        BlobStore racing = racing(new CyclicBarrier(2), new AtomicInteger());
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<ChannelMover.Move> a = two.submit(() -> new ChannelMover(racing, clock).promote(prod, ReleaseId.of("2"), Optional.empty()));
            Future<ChannelMover.Move> b = two.submit(() -> new ChannelMover(racing, clock).promote(prod, ReleaseId.of("3"), Optional.empty()));
            assertTrue(a.get(10, TimeUnit.SECONDS).changed());
            assertTrue(b.get(10, TimeUnit.SECONDS).changed());
        } finally {
            two.shutdownNow();
        }
        List<ReleaseId> h = history();
        assertEquals(3, h.size(), h.toString());
        assertTrue(h.containsAll(List.of(ReleaseId.of("1"), ReleaseId.of("2"), ReleaseId.of("3"))));
        assertEquals(h.get(0), channel().current());
    }

    @Test
    void racingConditionalPromotesLetExactlyOneWin() throws Exception {
        new ChannelMover(store, clock).promote(prod, ReleaseId.of("1"), Optional.empty());
        BlobStore racing = racing(new CyclicBarrier(2), new AtomicInteger());
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<Future<ChannelMover.Move>> runs;
        try {
            runs = List.of(
                    two.submit(() -> new ChannelMover(racing, clock).promote(prod, ReleaseId.of("2"), Optional.of(ReleaseId.of("1")))),
                    two.submit(() -> new ChannelMover(racing, clock).promote(prod, ReleaseId.of("3"), Optional.of(ReleaseId.of("1")))));
            int won = 0;
            for (Future<ChannelMover.Move> f : runs) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                    won++;
                } catch (ExecutionException e) {
                    HoldfastException he = (HoldfastException) e.getCause();
                    assertEquals(ErrorKind.CONCURRENT_UPDATE, he.kind());
                    assertTrue(he.getMessage().contains("moved by someone else"), he.getMessage());
                }
            }
            assertEquals(1, won);
        } finally {
            two.shutdownNow();
        }
        assertEquals(2, history().size());
    }

    @Test
    void aRollbackRacingAPromoteIsReportedNotReapplied() throws Exception {
        ChannelMover plain = new ChannelMover(store, clock);
        plain.promote(prod, ReleaseId.of("1"), Optional.empty());
        plain.promote(prod, ReleaseId.of("2"), Optional.empty());
        BlobStore racing = racing(new CyclicBarrier(2), new AtomicInteger());
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<ChannelMover.Move> promote = two.submit(() -> new ChannelMover(racing, clock).promote(prod, ReleaseId.of("3"), Optional.empty()));
            Future<ChannelMover.Move> rollback = two.submit(() -> new ChannelMover(racing, clock).rollback(prod, Optional.empty()));
            promote.get(10, TimeUnit.SECONDS);
            try {
                rollback.get(10, TimeUnit.SECONDS);
                // the rollback won the race: the promote was re-applied after it
                assertEquals(ReleaseId.of("3"), channel().current());
            } catch (ExecutionException e) {
                assertEquals(ErrorKind.CONCURRENT_UPDATE, ((HoldfastException) e.getCause()).kind());
                assertEquals(ReleaseId.of("3"), channel().current());
            }
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void historyTimesNeverGoBackwards() {
        ChannelMover mover = new ChannelMover(store, new MutableClock(Instant.parse("2000-01-01T00:00:00Z")));
        mover.promote(prod, ReleaseId.of("1"), Optional.empty());
        ObjectInfo first = store.head(StoreKeys.channel(prod)).orElseThrow();
        mover.promote(prod, ReleaseId.of("2"), Optional.empty());
        assertFalse(channel().history().get(0).at().isBefore(first.lastModified()));
    }
}
