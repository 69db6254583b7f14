package io.holdfast.manifest;

import java.time.Instant;

/** {@code pins/<id>.json}: a release kept whatever the retention policy says. */
public record Pin(ReleaseId release, String reason, Instant at) {
}
