package io.holdfast.lease;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.GcState;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publish protocol step 2, second half (for every writer that commits a manifest: publish and restore): after the
 * lease is written, wait while a GC run is active. A run that
 * started before our lease existed may not have seen it, so nothing it could delete may be trusted until it is
 * over: it either finishes (state idle) or passes its deadline (it stops deleting a safety margin before it).
 *
 * <p>The deadline is the state object's store timestamp plus {@code deadlineSeconds}, and "now" is the store
 * timestamp of our own latest lease write. While the state keeps changing (heartbeats) the run is alive and we
 * just wait; when it stops changing we renew our lease to learn the store's current time and compare again.
 */
public final class GcGate {
    private static final Logger LOG = LoggerFactory.getLogger(GcGate.class);
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final BlobStore store;
    private final Sleeper sleeper;
    private final Consumer<String> notes;

    /** @param notes receives the one-line "waiting for GC run …" message shown to the person waiting */
    public GcGate(BlobStore store, Sleeper sleeper, Consumer<String> notes) {
        this.store = store;
        this.sleeper = sleeper;
        this.notes = notes;
    }

    /** Waiting, injectable so tests drive it without real sleeps (and see that, and how often, the gate waited). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis());
    }

    /**
     * Returns once no GC run is active (judged against the lease's store time).
     *
     * @throws LeaseLostException if the lease is lost while waiting
     */
    public void await(LeaseKeeper lease, String release) {
        Duration wait = FIRST_WAIT;
        String seenVersion = null;
        boolean announced = false;
        while (true) {
            Optional<Versioned> read = store.read(StoreKeys.GC_STATE);
            if (read.isEmpty()) {
                return;
            }
            GcState state = Documents.decode(read.get().content(), GcState.class, StoreKeys.GC_STATE);
            if (!state.running()) {
                return;
            }
            Instant deadline = read.get().info().lastModified().plusSeconds(state.deadlineSeconds());
            if (!lease.storeNow().isBefore(deadline)) {
                LOG.info("event=gc_gate.past_deadline release={} gc_run={} deadline={}", release, state.runId(), deadline);
                return;
            }
            if (read.get().version().equals(seenVersion)) {
                // No heartbeat since the last look: learn the store's time from a lease renewal.
                if (!lease.renew()) {
                    throw new LeaseLostException(lease.lostReason());
                }
                if (!lease.storeNow().isBefore(deadline)) {
                    LOG.info("event=gc_gate.past_deadline release={} gc_run={} deadline={}", release, state.runId(), deadline);
                    return;
                }
            }
            seenVersion = read.get().version();
            if (!announced) {
                notes.accept("waiting for GC run " + state.runId() + " to finish (its deadline is " + deadline + ")");
                LOG.info("event=gc_gate.waiting release={} gc_run={} deadline={}", release, state.runId(), deadline);
                announced = true;
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HoldfastException(ErrorKind.INTERNAL, "interrupted while waiting for GC", e);
            }
            wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
        }
    }
}
