package io.holdfast.gc;

import io.holdfast.channel.ChannelRegistry;
import io.holdfast.manifest.AccessReport;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.Pin;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.retention.LiveRelease;
import io.holdfast.retention.RetentionInput;
import io.holdfast.retention.RetiredRelease;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GC step 3: reads everything retention decides from. Releases are listed only after leases (see LeaseScan). */
final class RetentionReader {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionReader.class);

    private RetentionReader() {
    }

    static RetentionInput read(BlobStore store, GcRunLock lock) {
        List<LiveRelease> live = new ArrayList<>();
        store.list(StoreKeys.RELEASES, info -> StoreKeys.releaseIdIn(StoreKeys.RELEASES, info.key())
                .ifPresent(id -> live.add(new LiveRelease(id, info.lastModified()))));
        lock.checkpoint();
        List<RetiredRelease> retired = new ArrayList<>();
        store.list(StoreKeys.RETIRED, info -> StoreKeys.releaseIdIn(StoreKeys.RETIRED, info.key())
                .ifPresent(id -> retired.add(new RetiredRelease(id, info.lastModified()))));
        lock.checkpoint();
        return new RetentionInput(live, retired, channels(store, lock), pins(store, lock), access(store, lock));
    }

    /** Every channel; one GC cannot read stops the run, since its current release must never be removed. */
    static List<Channel> channels(BlobStore store, GcRunLock lock) {
        lock.checkpoint();
        return new ChannelRegistry(store).list().stream().map(ChannelRegistry.Stored::channel).toList();
    }

    /** Every pin; the key alone names the release, so an unreadable pin document still protects it. */
    static List<Pin> pins(BlobStore store, GcRunLock lock) {
        List<Pin> pins = new ArrayList<>();
        for (ObjectInfo info : listed(store, StoreKeys.PINS)) {
            Optional<ReleaseId> id = StoreKeys.releaseIdIn(StoreKeys.PINS, info.key());
            if (id.isEmpty()) {
                continue;
            }
            lock.checkpoint();
            store.read(info.key()).ifPresent(v -> {
                String reason;
                try {
                    reason = Documents.decode(v.content(), Pin.class, info.key()).reason();
                } catch (RuntimeException e) {
                    reason = "(unreadable pin document)";
                }
                pins.add(new Pin(id.get(), reason, v.info().lastModified()));
            });
        }
        return pins;
    }

    /**
     * Origins' access reports, each capped at its own store timestamp (a report cannot have seen a request later
     * than it was written, whatever the origin's clock says). Unreadable reports are skipped: they only ever keep
     * releases longer.
     */
    static List<AccessReport> access(BlobStore store, GcRunLock lock) {
        List<AccessReport> reports = new ArrayList<>();
        for (ObjectInfo info : listed(store, StoreKeys.ACCESS)) {
            if (StoreKeys.nameIn(StoreKeys.ACCESS, info.key()).isEmpty()) {
                continue;
            }
            lock.checkpoint();
            store.read(info.key()).ifPresent(v -> {
                try {
                    AccessReport r = Documents.decode(v.content(), AccessReport.class, info.key());
                    Instant written = v.info().lastModified();
                    Map<ReleaseId, Instant> capped = new TreeMap<>();
                    r.lastServed().forEach((id, at) -> capped.put(id, at.isAfter(written) ? written : at));
                    reports.add(new AccessReport(r.originId(), capped));
                } catch (RuntimeException e) {
                    LOG.warn("event=gc.access-report-unreadable release=- key={} error=\"{}\"", info.key(), e.getMessage());
                }
            });
        }
        return reports;
    }

    private static List<ObjectInfo> listed(BlobStore store, String prefix) {
        List<ObjectInfo> infos = new ArrayList<>();
        store.list(prefix, infos::add);
        return infos;
    }
}
