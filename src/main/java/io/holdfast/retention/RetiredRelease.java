package io.holdfast.retention;

import io.holdfast.manifest.ReleaseId;
import java.time.Instant;
import java.util.Objects;

/** A retired release ({@code retired/<id>.json}, its tombstone) and the store time it was retired. */
public record RetiredRelease(ReleaseId id, Instant retiredAt) {
    public RetiredRelease {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(retiredAt, "retiredAt");
    }
}
