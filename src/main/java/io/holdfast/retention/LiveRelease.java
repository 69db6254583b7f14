package io.holdfast.retention;

import io.holdfast.manifest.ReleaseId;
import java.time.Instant;
import java.util.Objects;

/** A committed release ({@code releases/<id>.json}) and the store time of its commit. */
public record LiveRelease(ReleaseId id, Instant committed) {
    public LiveRelease {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(committed, "committed");
    }
}
