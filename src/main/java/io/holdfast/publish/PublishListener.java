package io.holdfast.publish;

import io.holdfast.manifest.ReleaseId;

/**
 * What a publish tells the person watching it (the CLI draws a progress line from it). Calls may come from
 * several threads; implementations must be thread-safe. Every method has a no-op default.
 */
public interface PublishListener {
    PublishListener NONE = new PublishListener() {
    };

    /** A phase begins ("hashing", "compressing", "uploading") with this much work. */
    default void phase(String name, long items, long bytes) {
    }

    /** Work done so far in the current phase (cumulative). */
    default void progress(long items, long bytes) {
    }

    /** A one-line message worth showing (waiting for GC, lease lost and retrying). */
    default void note(String message) {
    }

    /** {@code --release auto} picked this id. */
    default void releaseAllocated(ReleaseId id) {
    }
}
