package io.holdfast.gc;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.GcState;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's claim on {@code gc/state} (DESIGN.md, GC protocol steps 1 and 6): one GC at a time; heartbeats that push
 * the deadline forward; no store write once the deadline is near. Store time ({@link #now()}) is the timestamp of
 * this run's latest write of {@code gc/state}; the injected clock only measures how long ago that write was sent.
 */
final class GcRunLock {
    private static final Logger LOG = LoggerFactory.getLogger(GcRunLock.class);

    private final BlobStore store;
    private final Clock clock;
    private final GcSettings settings;
    private final GcObserver observer;
    private final String runId;
    private final boolean dryRun;
    private GcState state;
    private String version;
    private Instant storeNow;
    private Instant sentAt;
    private String takenOverFrom;
    private GcState seen;

    private GcRunLock(BlobStore store, Clock clock, GcSettings settings, GcObserver observer, String runId, boolean dryRun) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.observer = observer;
        this.runId = runId;
        this.dryRun = dryRun;
    }

    /**
     * Claims {@code gc/state} by compare-and-swap: from idle (or absent), or from a run whose deadline passed more
     * than the takeover margin ago.
     *
     * @throws HoldfastException {@link ErrorKind#GC_BUSY} when another run holds it
     */
    static GcRunLock claim(BlobStore store, Clock clock, GcSettings settings, GcObserver observer, String runId) {
        GcRunLock lock = new GcRunLock(store, clock, settings, observer, runId, false);
        Optional<Versioned> current = store.read(StoreKeys.GC_STATE);
        GcState previous = current.map(v -> Documents.decode(v.content(), GcState.class, StoreKeys.GC_STATE)).orElse(null);
        if (previous != null && previous.running()) {
            Instant deadline = current.get().info().lastModified().plusSeconds(previous.deadlineSeconds());
            Instant now = lock.probeStoreTime();
            if (now.isBefore(deadline.plus(settings.takeoverMargin()))) {
                throw new HoldfastException(ErrorKind.GC_BUSY, "another GC run (" + previous.runId() + ") holds "
                        + StoreKeys.GC_STATE + " in " + store.describe() + " until " + deadline
                        + "; try again after it finishes");
            }
            lock.takenOverFrom = previous.runId();
            LOG.warn("event=gc.takeover release=- run={} previous={} deadline={}", runId, previous.runId(), deadline);
        }
        long epoch = previous == null ? 1 : previous.epoch() + 1;
        GcState next = new GcState(GcState.RUNNING, epoch, runId, settings.deadline().toSeconds(), 0);
        Instant sent = clock.instant();
        ObjectInfo info;
        try {
            info = store.compareAndSwap(StoreKeys.GC_STATE, Documents.encode(next), current.map(Versioned::version));
        } catch (ConflictException e) {
            throw new HoldfastException(ErrorKind.GC_BUSY, "another GC run claimed " + StoreKeys.GC_STATE + " in "
                    + store.describe() + " at the same moment; try again after it finishes");
        }
        lock.wrote(next, info, sent);
        observer.claimed(runId, info);
        LOG.info("event=gc.claimed release=- run={} epoch={} deadlineSeconds={}", runId, epoch, next.deadlineSeconds());
        return lock;
    }

    /** A dry run writes nothing: it only reads {@code gc/state} to report an active run, and uses the local clock. */
    static GcRunLock observe(BlobStore store, Clock clock, GcSettings settings, GcObserver observer, String runId) {
        GcRunLock lock = new GcRunLock(store, clock, settings, observer, runId, true);
        Optional<Versioned> current = store.read(StoreKeys.GC_STATE);
        lock.seen = current.map(v -> Documents.decode(v.content(), GcState.class, StoreKeys.GC_STATE)).orElse(null);
        current.ifPresent(v -> observer.claimed(runId, v.info()));
        return lock;
    }

    String runId() {
        return runId;
    }

    /** The run this one took over, or null. */
    String takenOverFrom() {
        return takenOverFrom;
    }

    /** In a dry run: the GC run that held {@code gc/state} when the dry run read it, or null. */
    String activeRun() {
        return seen != null && seen.running() ? seen.runId() : null;
    }

    /** Store time no earlier than this run's latest heartbeat, never later than the real present. */
    Instant now() {
        return dryRun ? clock.instant() : storeNow;
    }

    /** Call before every store write and often during long reads: heartbeats when one is due; stops when out of time. */
    void checkpoint() {
        if (dryRun) {
            return;
        }
        if (!clock.instant().isBefore(sentAt.plus(settings.heartbeatEvery()))) {
            heartbeat();
        }
        ensureTime();
    }

    /** Before each delete batch: a fresh heartbeat, so the batch has the whole window to land in. */
    void beforeDeleteBatch() {
        if (dryRun) {
            return;
        }
        heartbeat();
        ensureTime();
    }

    private void heartbeat() {
        ensureTime();
        GcState next = new GcState(GcState.RUNNING, state.epoch(), runId, state.deadlineSeconds(), state.heartbeat() + 1);
        Instant sent = clock.instant();
        ObjectInfo info;
        try {
            info = store.compareAndSwap(StoreKeys.GC_STATE, Documents.encode(next), Optional.of(version));
        } catch (ConflictException e) {
            throw stop("it was taken over by another run (" + StoreKeys.GC_STATE + " changed)");
        }
        wrote(next, info, sent);
        observer.heartbeat(runId, info);
    }

    /** Throws once the last heartbeat was sent more than {@code deadline - stopMargin} ago. */
    private void ensureTime() {
        Duration window = settings.deadline().minus(settings.stopMargin());
        if (!clock.instant().isBefore(sentAt.plus(window))) {
            throw stop("its last heartbeat was sent more than " + window.toSeconds() + "s ago, too close to its deadline");
        }
    }

    private GcStoppedException stop(String why) {
        observer.stopped(runId, why);
        LOG.warn("event=gc.stopped release=- run={} reason=\"{}\"", runId, why);
        return new GcStoppedException("GC run " + runId + " stopped before issuing more writes: " + why
                + "; nothing is lost, the next run starts over");
    }

    /** Sets {@code gc/state} idle if this run still owns it. Never throws: a failure leaves it for takeover. */
    void release() {
        if (dryRun) {
            return;
        }
        try {
            store.compareAndSwap(StoreKeys.GC_STATE, Documents.encode(GcState.idle(state.epoch())), Optional.of(version));
            LOG.info("event=gc.idle release=- run={}", runId);
        } catch (ConflictException e) {
            LOG.warn("event=gc.release-skipped release=- run={} reason=taken-over", runId);
        } catch (RuntimeException e) {
            LOG.warn("event=gc.release-failed release=- run={} error=\"{}\"", runId, e.getMessage());
        }
    }

    private void wrote(GcState next, ObjectInfo info, Instant sent) {
        state = next;
        version = info.version();
        storeNow = info.lastModified();
        sentAt = sent;
    }

    /**
     * The store's present time, for judging whether a held claim expired: the timestamp of a write to
     * {@code gc/clock.json}; if another process wrote it at the same moment, its timestamp is a lower bound of now,
     * which only makes a takeover later, never earlier.
     */
    private Instant probeStoreTime() {
        Optional<Versioned> current = store.read(StoreKeys.GC_CLOCK);
        byte[] content = Documents.encode(Map.of("runId", runId, "sent", clock.instant().toString()));
        try {
            return store.compareAndSwap(StoreKeys.GC_CLOCK, content, current.map(Versioned::version)).lastModified();
        } catch (ConflictException e) {
            return store.read(StoreKeys.GC_CLOCK).map(v -> v.info().lastModified())
                    .orElseThrow(() -> new HoldfastException(ErrorKind.GC_BUSY, "cannot read the store's time from "
                            + StoreKeys.GC_CLOCK + " in " + store.describe() + "; try again"));
        }
    }
}
