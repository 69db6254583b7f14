package io.holdfast.origin.index;

import io.holdfast.manifest.ReleaseId;
import io.holdfast.origin.observe.ReleaseActivity;

/**
 * An asset as one path serves it: its representations and every header value precomputed, so serving a request
 * is a map lookup and reference copies.
 */
public final class ServedAsset {
    public final AssetKind kind;
    public final ReleaseId release;
    public final ReleaseActivity activity;
    public final String contentType;
    public final String cacheControl;
    /** Release creation time as an IMF-fixdate. */
    public final String lastModified;
    public final long lastModifiedSeconds;
    public final Representation identity;
    /** Precompressed variants, or null when the release has none for this asset. */
    public final Representation br;
    public final Representation gzip;

    public ServedAsset(AssetKind kind, ReleaseId release, ReleaseActivity activity, String contentType,
                       String cacheControl, String lastModified, long lastModifiedSeconds, Representation identity,
                       Representation br, Representation gzip) {
        this.kind = kind;
        this.release = release;
        this.activity = activity;
        this.contentType = contentType;
        this.cacheControl = cacheControl;
        this.lastModified = lastModified;
        this.lastModifiedSeconds = lastModifiedSeconds;
        this.identity = identity;
        this.br = br;
        this.gzip = gzip;
    }

    /** True when the response depends on Accept-Encoding (so it needs {@code Vary: Accept-Encoding}). */
    public boolean hasVariants() {
        return br != null || gzip != null;
    }

    /** The same asset served under another kind and caching (e.g. a manifest as a channel's current one). */
    public ServedAsset as(AssetKind otherKind, String otherCacheControl) {
        return new ServedAsset(otherKind, release, activity, contentType, otherCacheControl, lastModified,
                lastModifiedSeconds, identity, br, gzip);
    }
}
