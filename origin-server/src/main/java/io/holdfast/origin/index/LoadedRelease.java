package io.holdfast.origin.index;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.origin.observe.ReleaseActivity;
import java.util.HashMap;
import java.util.Map;

/**
 * A committed release as the index holds it: its manifest, the store version it was read at, and (built on first
 * use, since most retained releases are never previewed) its paths under {@code /_releases/<id>/} and its manifest
 * as a served document.
 */
public final class LoadedRelease {
    final ReleaseManifest manifest;
    final String version;
    final ReleaseActivity activity;
    final String lastModified;
    final long lastModifiedSeconds;
    private final AssetFactory factory;
    private volatile Map<String, ServedAsset> byServedPath;
    private volatile ServedAsset manifestDocument;

    LoadedRelease(ReleaseManifest manifest, String version, ReleaseActivity activity, AssetFactory factory) {
        this.manifest = manifest;
        this.version = version;
        this.activity = activity;
        this.factory = factory;
        this.lastModified = HttpDates.format(manifest.created());
        this.lastModifiedSeconds = manifest.created().getEpochSecond();
    }

    public ReleaseManifest manifest() {
        return manifest;
    }

    /** Any asset of this release by its served path (no leading slash), as a preview URL serves it. */
    public ServedAsset asset(String servedPath) {
        Map<String, ServedAsset> m = byServedPath;
        if (m == null) {
            m = new HashMap<>();
            for (Asset a : manifest.assets()) {
                m.put(a.servedPath(), factory.asset(this, a, AssetKind.RELEASE, a.entryPoint()));
            }
            byServedPath = m; // benign race: two threads may build equal maps
        }
        return m.get(servedPath);
    }

    /** The manifest as JSON, held in memory once requested. */
    public ServedAsset manifestDocument() {
        ServedAsset d = manifestDocument;
        if (d == null) {
            d = factory.document(this, Documents.encode(manifest));
            manifestDocument = d;
        }
        return d;
    }
}
