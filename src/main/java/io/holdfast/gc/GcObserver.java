package io.holdfast.gc;

import io.holdfast.retention.RetentionInput;
import io.holdfast.retention.RetentionPlan;
import io.holdfast.store.ObjectInfo;
import java.util.List;

/**
 * Every step of a GC run, in protocol order, for logs and for tests that force interleavings (block in a callback
 * with a latch). Callbacks run on the GC's thread; the defaults do nothing.
 */
public interface GcObserver {
    GcObserver NONE = new GcObserver() {
    };

    /** Step 1 done: this run owns {@code gc/state} (or, in a dry run, read it). */
    default void claimed(String runId, ObjectInfo state) {
    }

    /** A heartbeat moved the deadline forward. */
    default void heartbeat(String runId, ObjectInfo state) {
    }

    /** Step 2 done: unexpired leases are roots; expired ones were revoked and deleted. */
    default void leasesListed(List<String> live, List<String> revoked) {
    }

    /** Step 3 done: releases, tombstones, channels, pins and access reports read. */
    default void releasesListed(RetentionInput input) {
    }

    /** Step 4: the retention plan, before any of it is carried out. */
    default void planned(RetentionPlan plan) {
    }

    /** Roots complete: digests of every manifest that stays, and of unexpired leases. */
    default void rootsComputed(int roots) {
    }

    /** Step 5: blob listing done and the candidate ledger written. */
    default void candidatesRecorded(int candidates, int deletable) {
    }

    /** Step 6: about to delete these keys (the heartbeat for this batch succeeded). */
    default void beforeDeleteBatch(List<String> keys) {
    }

    /** The run stopped early: taken over or out of time. */
    default void stopped(String runId, String reason) {
    }
}
