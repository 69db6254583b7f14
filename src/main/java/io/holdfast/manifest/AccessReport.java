package io.holdfast.manifest;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code access/<originId>.json}: when one origin server last served each release. GC treats releases
 * served within {@code --keep-served-within} as live.
 */
public record AccessReport(String originId, Map<ReleaseId, Instant> lastServed) {
    public AccessReport {
        lastServed = java.util.Collections.unmodifiableMap(new TreeMap<>(lastServed));
    }
}
