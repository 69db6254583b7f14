package io.holdfast.retention;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What GC does with one release. */
public enum Action {
    /** A live release stays live. */
    KEEP,
    /** A live release is retired: moved to {@code retired/}, no longer served, still restorable. */
    RETIRE,
    /** A retired release stays retired (its tombstone has not expired). */
    KEEP_RETIRED,
    /** A retired release that must be live (current of a channel, pinned) is brought back. */
    RESTORE,
    /** A retired release whose tombstone expired is deleted; its blobs become unreferenced. */
    DELETE;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
