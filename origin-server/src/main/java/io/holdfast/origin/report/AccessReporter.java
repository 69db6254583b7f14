package io.holdfast.origin.report;

import io.holdfast.manifest.AccessReport;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.origin.observe.OriginMetrics;
import io.holdfast.origin.observe.ReleaseActivity;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ConflictException;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code access/<originId>.json}: for each release, when this origin last served it, in <b>store time</b>
 * (GC keeps releases served recently). No local clock is read: a report round first rewrites the document as it
 * was, and the store's timestamp of that write ({@code T}) is a moment after every hit counted so far; the
 * releases served since the previous round are then recorded at {@code T} in a second write. So a recorded time is
 * never earlier than the hit it stands for, and at most one report interval later. Releases no longer loaded
 * (retired or deleted) are dropped from the document.
 *
 * <p>The document is written by compare-and-swap against the version this origin last wrote; one written by
 * someone else meanwhile (two origins configured with the same id) is merged, keeping the later time per release.
 */
public final class AccessReporter {
    private static final Logger LOG = LoggerFactory.getLogger(AccessReporter.class);
    private final BlobStore store;
    private final String originId;
    private final String key;
    private final OriginMetrics metrics;
    private final Map<ReleaseId, Instant> lastServed = new HashMap<>();
    private Optional<String> version = Optional.empty();
    private boolean started;

    private final Predicate<ReleaseId> loaded;

    /**
     * @param loaded whether a release is still served by this origin (others are dropped from the report)
     */
    public AccessReporter(BlobStore store, String originId, OriginMetrics metrics, Predicate<ReleaseId> loaded) {
        this.store = store;
        this.loaded = loaded;
        this.originId = originId;
        this.key = StoreKeys.access(originId);
        this.metrics = metrics;
    }

    /** One report round; called periodically and once on shutdown. Never throws: a failed round is retried next time. */
    public synchronized void report() {
        Set<ReleaseId> served = new HashSet<>();
        for (ReleaseActivity a : metrics.releaseActivities()) {
            if (a.takeServed()) {
                served.add(a.release());
            }
        }
        try {
            if (!started) {
                reload();
                started = true;
            }
            if (served.isEmpty()) {
                return;
            }
            Instant t = write(); // store time after every hit counted above
            for (ReleaseId r : served) {
                lastServed.merge(r, t, (a, b) -> a.isAfter(b) ? a : b);
            }
            lastServed.keySet().removeIf(r -> !served.contains(r) && !loaded.test(r));
            write();
            metrics.accessReport(true);
            LOG.info("event=access_report release={} key={} releases={} at={}", served.size() == 1 ? served.iterator().next() : "-",
                    key, served.size(), t);
        } catch (RuntimeException e) {
            // Keep the hits for the next round.
            for (ReleaseActivity a : metrics.releaseActivities()) {
                if (served.contains(a.release())) {
                    a.markServed();
                }
            }
            metrics.accessReport(false);
            LOG.warn("event=access_report_failed release=- key={} error=\"{}\"", key, String.valueOf(e.getMessage()).replace('"', '\''));
        }
    }

    private Instant write() {
        for (int attempt = 0; ; attempt++) {
            try {
                byte[] doc = Documents.encode(new AccessReport(originId, lastServed));
                ObjectInfo info = store.compareAndSwap(key, doc, version);
                version = Optional.of(info.version());
                return info.lastModified();
            } catch (ConflictException e) {
                if (attempt >= 2) {
                    throw e;
                }
                LOG.warn("event=access_report_conflict release=- key={} hint=\"another origin uses the id {}\"", key, originId);
                reload();
            }
        }
    }

    /** Merges what the store holds (a previous run of this origin, or another one with the same id). */
    private void reload() {
        Optional<Versioned> current = store.read(key);
        version = current.map(Versioned::version);
        if (current.isPresent()) {
            try {
                AccessReport stored = Documents.decode(current.get().content(), AccessReport.class, key);
                stored.lastServed().forEach((r, t) -> lastServed.merge(r, t, (a, b) -> a.isAfter(b) ? a : b));
            } catch (RuntimeException e) {
                LOG.warn("event=access_report_unreadable release=- key={} error=\"{}\"", key, String.valueOf(e.getMessage()).replace('"', '\''));
            }
        }
    }
}
