package io.holdfast.gc;

import io.holdfast.manifest.ReleaseId;
import io.holdfast.retention.Decision;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a run did, or in a dry run what it would do, in one document ({@code holdfast gc --json}).
 *
 * @param now          the time the run judged ages against: store time, or the local clock in a dry run
 * @param takenOver    the stalled run this one took over, or null
 * @param activeRun    in a dry run, the GC run holding the store at the time, or null
 * @param releases     every release with its action and reasons, newest first
 * @param restored     releases retired by this run and brought straight back because they became current of a
 *                     channel or pinned while it ran
 * @param refusal      why the plan exceeds the policy's limits (a dry run reports it; a real run refuses), or null
 */
public record GcReport(String store, String runId, boolean dryRun, Instant now, String takenOver, String activeRun,
                       Map<String, String> policy, List<Decision> releases, Map<String, Long> releaseActions,
                       List<ReleaseId> restored, Leases leases, Blobs blobs, String refusal) {

    /** Publish ids of in-flight publishes (roots) and of expired leases written off. */
    public record Leases(List<String> live, List<String> revoked) {
    }

    /**
     * The blob pass. {@code deleted}/{@code deletedBytes} are what a dry run would delete now.
     *
     * @param young      unreferenced but younger than the grace period
     * @param candidates unreferenced and older than the grace period
     * @param waiting    candidates first seen less than a grace period ago: deleted by a later run
     */
    public record Blobs(long listed, long referenced, long young, long candidates, long waiting, long waitingBytes,
                        long deleted, long deletedBytes) {
    }

    /** True when the run changed no release, wrote off no lease and deleted no blob. */
    public boolean changedNothing() {
        return blobs.deleted() == 0 && leases.revoked().isEmpty() && releases.stream().allMatch(d -> switch (d.action()) {
            case KEEP -> !d.retired();
            case KEEP_RETIRED -> true;
            default -> false;
        });
    }
}
