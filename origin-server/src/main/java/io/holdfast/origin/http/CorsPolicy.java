package io.holdfast.origin.http;

import java.util.List;
import java.util.Set;

/**
 * Which origins may read assets cross-origin (fonts and module scripts need CORS). {@code *} gives one answer
 * for everyone, which a CDN caches once; a list answers each allowed origin by name, so responses then vary by
 * Origin ({@code Vary: Origin}).
 */
public final class CorsPolicy {
    private final boolean any;
    private final Set<String> origins;

    public CorsPolicy(List<String> origins) {
        this.any = origins.contains("*");
        this.origins = Set.copyOf(origins);
    }

    /** The Access-Control-Allow-Origin value for a request's Origin, or null for none. */
    public String allowOrigin(String requestOrigin) {
        if (any) {
            return "*";
        }
        return requestOrigin != null && origins.contains(requestOrigin) ? requestOrigin : null;
    }

    /** True when answers differ by the request's Origin (a list of origins, not {@code *} nor none). */
    public boolean variesByOrigin() {
        return !any && !origins.isEmpty();
    }

    public boolean enabled() {
        return any || !origins.isEmpty();
    }
}
