package io.holdfast.lease;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.Lease;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreException;
import io.holdfast.store.StoreKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publish attempt's lease: written create-only, renewed by compare-and-swap every ttl/3, deleted at the end.
 *
 * <p>Expiry is judged on store time only: a renewal's write returns the store's timestamp, and if it is not
 * comfortably within ttl of the previous write the lease was expired in between, whether or not GC noticed. A
 * renewal that loses its compare-and-swap means GC revoked it. Either way the lease is lost for good: the
 * writer (a publish, or a restore) must start again with a new lease (publish protocol step 5). The local clock
 * only decides when a renewal is due.
 */
public final class LeaseKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final BlobStore store;
    private final Clock clock;
    private final String key;
    private final Duration ttl;
    private final Duration margin;
    private Lease lease;
    private ObjectInfo written;
    private Instant lastRenewedLocally;
    private volatile boolean lost;
    private volatile String lostReason;

    private LeaseKeeper(BlobStore store, Clock clock, Lease lease, ObjectInfo written) {
        this.store = store;
        this.clock = clock;
        this.key = StoreKeys.lease(lease.publishId());
        this.ttl = Duration.ofSeconds(lease.ttlSeconds());
        this.margin = marginFor(ttl);
        this.lease = lease;
        this.written = written;
        this.lastRenewedLocally = clock.instant();
    }

    /**
     * Safety margin on expiry: request latency between the store stamping a write and us acting on it, plus
     * scheduling delays. A tenth of the lease, at most a minute.
     */
    static Duration marginFor(Duration ttl) {
        Duration tenth = ttl.dividedBy(10);
        return tenth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : tenth;
    }

    /** Writes a new lease (create-only): publish protocol step 2. */
    public static LeaseKeeper acquire(BlobStore store, Clock clock, Lease lease) {
        String key = StoreKeys.lease(lease.publishId());
        ObjectInfo info;
        try {
            info = store.compareAndSwap(key, Documents.encode(lease), Optional.empty());
        } catch (ConflictException e) {
            throw new HoldfastException(ErrorKind.INTERNAL, "lease " + key + " already exists: publish ids must be unique", e);
        }
        LOG.info("event=lease.acquired release={} lease={} digests={} ttl_s={}", lease.release(), lease.publishId(),
                lease.digests().size(), lease.ttlSeconds());
        return new LeaseKeeper(store, clock, lease, info);
    }

    public String key() {
        return key;
    }

    public String publishId() {
        return lease.publishId();
    }

    /** The store's time at our latest write of the lease: this process's notion of "now" for expiry judgements. */
    public synchronized Instant storeNow() {
        return written.lastModified();
    }

    public boolean lost() {
        return lost;
    }

    public String lostReason() {
        return lostReason;
    }

    /** Called by the renewal timer: renews when a third of the lease has passed since the last renewal. */
    public void renewIfDue() {
        boolean due;
        synchronized (this) {
            due = !lost && !Duration.between(lastRenewedLocally, clock.instant()).minus(ttl.dividedBy(3)).isNegative();
        }
        if (due) {
            renew();
        }
    }

    /**
     * Renews now. A store failure is logged and left for the next tick: the lease has two more thirds of its life,
     * and if they pass the next successful renewal sees the gap and declares the lease lost.
     *
     * @return false if the lease is lost
     */
    public synchronized boolean renew() {
        if (lost) {
            return false;
        }
        Lease next = lease.renewed();
        ObjectInfo info;
        try {
            info = store.compareAndSwap(key, Documents.encode(next), Optional.of(written.version()));
        } catch (ConflictException e) {
            markLost("the lease was changed by someone else (revoked by GC)");
            return false;
        } catch (StoreException e) {
            LOG.warn("event=lease.renew_failed release={} lease={} error=\"{}\"", lease.release(), lease.publishId(), e.getMessage());
            return true;
        }
        Instant expiry = written.lastModified().plus(ttl).minus(margin);
        lease = next;
        ObjectInfo previous = written;
        written = info;
        lastRenewedLocally = clock.instant();
        if (!info.lastModified().isBefore(expiry)) {
            markLost("the lease expired before it was renewed (written " + previous.lastModified() + ", renewed "
                    + info.lastModified() + ", ttl " + ttl.toSeconds() + "s)");
            return false;
        }
        LOG.debug("event=lease.renewed release={} lease={} renewal={}", lease.release(), lease.publishId(), lease.renewal());
        return true;
    }

    /**
     * Publish protocol step 5: is the lease still ours and unexpired? A renewal answers both at once: its
     * compare-and-swap fails if anyone else wrote the lease, and its store timestamp tells whether the lease
     * expired since the previous write. A store failure here is retried a few times; if the question stays
     * unanswered the publish cannot claim success.
     */
    public boolean confirm() {
        StoreException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            synchronized (this) {
                if (lost) {
                    return false;
                }
                ObjectInfo before = written;
                renew();
                if (lost) {
                    return false;
                }
                if (written != before) {
                    return true;
                }
            }
            last = new StoreException(ErrorKind.STORE_FAILED, "cannot renew lease " + key + " in " + store.describe());
        }
        throw new StoreException(ErrorKind.STORE_FAILED, "release " + lease.release()
                + ": cannot confirm the lease " + key + " (store failing); the release may be committed:"
                + " run the same command again, then 'holdfast verify " + lease.release() + "'", false, last);
    }

    /** Deletes the lease (last step of a publish, or cleanup after a failure); failures only logged. */
    public void release() {
        try {
            store.delete(List.of(key));
            LOG.info("event=lease.released release={} lease={}", lease.release(), lease.publishId());
        } catch (RuntimeException e) {
            LOG.warn("event=lease.release_failed release={} lease={} error=\"{}\" effect=\"GC removes it once expired\"",
                    lease.release(), lease.publishId(), e.getMessage());
        }
    }

    private void markLost(String reason) {
        lost = true;
        lostReason = reason;
        LOG.warn("event=lease.lost release={} lease={} reason=\"{}\"", lease.release(), lease.publishId(), reason);
    }
}
