package io.holdfast.origin.observe;

import io.holdfast.manifest.ReleaseId;
import io.micrometer.core.instrument.Counter;

/**
 * What this origin serves of one release: a hit counter for metrics and a flag for the access report. Created
 * once per release and referenced from every asset of it, so a hit costs no lookup.
 */
public final class ReleaseActivity {
    private final ReleaseId release;
    private final Counter hits;
    private volatile boolean servedSinceReport;

    ReleaseActivity(ReleaseId release, Counter hits) {
        this.release = release;
        this.hits = hits;
    }

    public ReleaseId release() {
        return release;
    }

    /** Called once per response served from this release. */
    public void served() {
        hits.increment();
        // Read before write: the flag's cache line stays shared while it is already set.
        if (!servedSinceReport) {
            servedSinceReport = true;
        }
    }

    /** Marks the release served again without counting a hit (a report that failed keeps its news). */
    public void markServed() {
        servedSinceReport = true;
    }

    /** True if served since the last call; clears the flag. */
    public boolean takeServed() {
        if (servedSinceReport) {
            servedSinceReport = false;
            return true;
        }
        return false;
    }
}
