package io.holdfast.gc;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.Pin;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.retention.Action;
import io.holdfast.retention.Decision;
import io.holdfast.retention.RetentionInput;
import io.holdfast.retention.RetentionPlan;
import io.holdfast.retention.RetentionPlanner;
import io.holdfast.retention.RetentionPolicy;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plan, then execute, following the GC protocol of DESIGN.md:
 * <ol>
 * <li>claim {@code gc/state} (one run at a time; a dead run is taken over after its deadline plus a margin);</li>
 * <li>leases: unexpired ones are roots, expired ones are revoked and deleted;</li>
 * <li>only then releases, tombstones, channels, pins, access reports (a publish commits before it drops its lease,
 *     so listing leases first always sees one or the other);</li>
 * <li>the retention plan: retire, restore, delete expired tombstones;</li>
 * <li>roots = every manifest that stays + unexpired leases; one streaming pass over the blobs; candidates are
 *     unreferenced blobs older than the grace period, deleted only once they were candidates a grace period ago;</li>
 * <li>heartbeat before each delete batch, stop a margin before the deadline, set {@code gc/state} idle.</li>
 * </ol>
 * A dry run takes the same path and writes nothing.
 */
public final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final BlobStore store;
    private final Clock clock;
    private final GcSettings settings;
    private final GcObserver observer;

    /**
     * @param clock measures time since the last heartbeat (use {@link MonotonicClock}); ages and expiry use store time
     */
    public GarbageCollector(BlobStore store, Clock clock, GcSettings settings, GcObserver observer) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.observer = observer;
    }

    /**
     * @param force  carry out a plan that retires more than the policy's fraction, or every release
     * @param dryRun change nothing; report what a run would do now
     * @throws HoldfastException {@link ErrorKind#GC_BUSY} when another run holds the store,
     *                           {@link ErrorKind#GC_REFUSED} when the plan removes too much and {@code force} is off
     * @throws GcStoppedException when the run was taken over or ran out of time (it issued no late write)
     */
    public GcReport run(RetentionPolicy policy, boolean force, boolean dryRun) {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        GcRunLock lock = dryRun ? GcRunLock.observe(store, clock, settings, observer, runId)
                : GcRunLock.claim(store, clock, settings, observer, runId);
        try {
            return collect(lock, policy, force, dryRun);
        } finally {
            lock.release();
        }
    }

    private GcReport collect(GcRunLock lock, RetentionPolicy policy, boolean force, boolean dryRun) {
        DigestSet roots = new DigestSet(1 << 14);
        LeaseScan.Result leases = LeaseScan.scan(store, lock, roots, dryRun);
        observer.leasesListed(leases.live(), leases.revoked());

        RetentionInput input = RetentionReader.read(store, lock);
        observer.releasesListed(input);
        RetentionPlan plan = RetentionPlanner.plan(input, policy, lock.now());
        observer.planned(plan);
        String refusal = force ? null : plan.refusal();
        if (refusal != null && !dryRun) {
            throw new HoldfastException(ErrorKind.GC_REFUSED, "gc refused: " + refusal);
        }

        Set<ReleaseId> scanned = new HashSet<>();
        List<ReleaseId> restoredMeanwhile = List.of();
        if (!dryRun) {
            PlanExecutor executor = new PlanExecutor(store, lock, roots, settings.deleteBatch());
            PlanExecutor.Done done = executor.apply(plan);
            scanned.addAll(done.scanned());
            restoredMeanwhile = executor.restore(protectedNow(lock, done.retired()));
        }
        List<RootScanner.Location> remaining = new ArrayList<>();
        for (Decision d : plan.decisions()) {
            if (!d.referencedAfter() || scanned.contains(d.id())) {
                continue;
            }
            String live = StoreKeys.release(d.id());
            String retired = StoreKeys.retired(d.id());
            boolean atLive = d.action() == Action.KEEP || (dryRun && d.action() == Action.RETIRE);
            remaining.add(atLive ? new RootScanner.Location(live, retired) : new RootScanner.Location(retired, live));
        }
        RootScanner.scan(store, lock, remaining, roots, settings.readThreads());
        observer.rootsComputed(roots.size());

        BlobSweep.Result blobs = new BlobSweep(store, lock, observer, settings.deleteBatch())
                .sweep(roots, policy.grace(), dryRun);
        GcReport report = new GcReport(store.describe(), lock.runId(), dryRun, plan.now(), lock.takenOverFrom(),
                lock.activeRun(), policy.settings(), plan.decisions(), counts(plan), restoredMeanwhile,
                new GcReport.Leases(leases.live(), leases.revoked()),
                new GcReport.Blobs(blobs.listed(), blobs.referenced(), blobs.young(), blobs.candidates(), blobs.waiting(),
                        blobs.waitingBytes(), blobs.deleted(), blobs.deletedBytes()),
                refusal);
        LOG.info("event=gc.done release=- run={} dryRun={} retired={} deletedTombstones={} blobsDeleted={} bytesDeleted={}",
                lock.runId(), dryRun, plan.count(Action.RETIRE), plan.count(Action.DELETE), blobs.deleted(), blobs.deletedBytes());
        return report;
    }

    /**
     * A promote, rollback or pin that raced with this run may have made a release it just retired current or
     * pinned; such releases are brought straight back (the next run would otherwise restore them).
     */
    private List<ReleaseId> protectedNow(GcRunLock lock, List<ReleaseId> retired) {
        if (retired.isEmpty()) {
            return List.of();
        }
        Set<ReleaseId> protect = new HashSet<>();
        for (Channel c : RetentionReader.channels(store, lock)) {
            protect.add(c.current());
        }
        for (Pin p : RetentionReader.pins(store, lock)) {
            protect.add(p.release());
        }
        return retired.stream().filter(protect::contains).toList();
    }

    private static Map<String, Long> counts(RetentionPlan plan) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Action a : Action.values()) {
            counts.put(a.label(), plan.count(a));
        }
        return counts;
    }
}
