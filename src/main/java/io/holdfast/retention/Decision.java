package io.holdfast.retention;

import io.holdfast.manifest.ReleaseId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The plan for one release, with every reason behind it.
 *
 * @param committed store time of {@code releases/<id>.json}, or null when the release is only retired
 * @param retiredAt store time of {@code retired/<id>.json}, or null when the release was never retired
 */
public record Decision(ReleaseId id, Action action, List<String> reasons, Instant committed, Instant retiredAt) {
    public Decision {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        reasons = List.copyOf(reasons);
    }

    /** True when {@code releases/<id>.json} exists now. */
    public boolean live() {
        return committed != null;
    }

    /** True when {@code retired/<id>.json} exists now. */
    public boolean retired() {
        return retiredAt != null;
    }

    /** True when the release's manifest still exists after the plan is carried out, so its blobs stay referenced. */
    public boolean referencedAfter() {
        return action != Action.DELETE;
    }
}
