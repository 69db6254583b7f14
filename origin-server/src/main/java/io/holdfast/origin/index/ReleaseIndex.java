package io.holdfast.origin.index;

import io.holdfast.origin.observe.OriginMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's view of the store, kept fresh: a periodic refresh, plus lookups caused by requests for unknown
 * paths (a release committed a moment ago must be found by every origin before it answers 404).
 *
 * <p>Miss lookups are <b>coalesced</b> (every miss that arrives before the next refresh starts waits for that one
 * refresh) and <b>rate limited</b> (a refresh starts at least {@code missLookupInterval} after the previous one
 * started), so a flood of 404s costs at most one pair of list requests per interval. A waiting request is answered
 * by a refresh that started after it arrived, so it sees every release committed before it was sent.
 *
 * <p>All refreshes run on the one thread of {@code scheduler}, so the loader is never called concurrently.
 */
public final class ReleaseIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseIndex.class);
    private final IndexLoader loader;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration refreshInterval;
    private final long missIntervalMillis;
    private final OriginMetrics metrics;
    private final Object lock = new Object();
    private volatile IndexSnapshot snapshot = IndexSnapshot.EMPTY;
    private volatile Instant lastSuccess;
    private volatile boolean lastFailed;
    private CompletableFuture<IndexSnapshot> nextLookup; // guarded by lock
    private long lastStartMillis = Long.MIN_VALUE / 2;  // guarded by lock

    /**
     * @param scheduler a single-threaded scheduler owned by the caller (closed by it)
     */
    public ReleaseIndex(IndexLoader loader, ScheduledExecutorService scheduler, Clock clock, Duration refreshInterval,
                        Duration missLookupInterval, OriginMetrics metrics) {
        this.loader = loader;
        this.scheduler = scheduler;
        this.clock = clock;
        this.refreshInterval = refreshInterval;
        this.missIntervalMillis = missLookupInterval.toMillis();
        this.metrics = metrics;
        metrics.indexGauges(this);
    }

    /** Loads the store now (waiting for it; a failure is logged and retried), then refreshes periodically. */
    public void start() {
        refreshNow();
        long every = Math.max(1, refreshInterval.toMillis());
        scheduler.scheduleWithFixedDelay(() -> refresh(false), every, every, TimeUnit.MILLISECONDS);
    }

    /** The current state; never null (empty until the first successful load). */
    public IndexSnapshot snapshot() {
        return snapshot;
    }

    /** Refreshes now on the refresh thread and waits for it; for start-up and tests. */
    public IndexSnapshot refreshNow() {
        try {
            scheduler.submit(() -> refresh(false)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return snapshot;
    }

    /**
     * A refresh that starts after this call, shared with every other miss waiting for it. Completes with the new
     * snapshot, or exceptionally when the store could not be read.
     */
    public CompletableFuture<IndexSnapshot> lookupAfterMiss() {
        synchronized (lock) {
            if (nextLookup != null) {
                metrics.missLookup("coalesced");
                return nextLookup;
            }
            nextLookup = new CompletableFuture<>();
            long wait = Math.max(0, lastStartMillis + missIntervalMillis - clock.millis());
            metrics.missLookup(wait > 0 ? "delayed" : "immediate");
            CompletableFuture<IndexSnapshot> f = nextLookup;
            scheduler.schedule(() -> refresh(true), wait, TimeUnit.MILLISECONDS);
            return f;
        }
    }

    /** True once loaded and the last refresh reached the store (readiness). */
    public boolean ready() {
        return snapshot.loaded() && !lastFailed;
    }

    /** Clock time of the last successful refresh, or null. */
    public Instant lastSuccess() {
        return lastSuccess;
    }

    private void refresh(boolean onlyForWaiters) {
        CompletableFuture<IndexSnapshot> waiters;
        synchronized (lock) {
            waiters = nextLookup;
            if (onlyForWaiters && waiters == null) {
                return; // a periodic refresh already answered them
            }
            nextLookup = null;
            lastStartMillis = clock.millis();
        }
        try {
            IndexSnapshot next = loader.load(snapshot);
            snapshot = next;
            lastSuccess = clock.instant();
            if (lastFailed) {
                LOG.info("event=index_recovered release={} releases={}", next.current() == null ? "-" : next.current(),
                        next.releases().size());
            }
            lastFailed = false;
            metrics.refresh(true);
            if (waiters != null) {
                waiters.complete(next);
            }
        } catch (RuntimeException e) {
            // Keep serving what we have; readiness reports the failure until a refresh succeeds.
            if (!lastFailed) {
                LOG.warn("event=index_refresh_failed release=- error=\"{}\"", String.valueOf(e.getMessage()).replace('"', '\''));
            }
            lastFailed = true;
            metrics.refresh(false);
            if (waiters != null) {
                waiters.completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (nextLookup != null) {
                nextLookup.complete(snapshot);
                nextLookup = null;
            }
        }
    }
}
