package io.holdfast.origin.index;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Variant;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link ServedAsset}s with their header values, sharing one {@link Representation} per blob. */
final class AssetFactory {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final String JSON = "application/json";
    private final String entryCacheControl;
    private final Map<String, Representation> shared = new HashMap<>();

    AssetFactory(String entryCacheControl) {
        this.entryCacheControl = entryCacheControl;
    }

    String entryCacheControl() {
        return entryCacheControl;
    }

    /** Forgets the shared representations (called before each rebuild so retired blobs are not kept). */
    synchronized void resetSharing() {
        shared.clear();
    }

    synchronized ServedAsset asset(LoadedRelease r, Asset a, AssetKind kind, boolean revalidate) {
        Variant br = a.variants().get("br");
        Variant gzip = a.variants().get("gzip");
        return new ServedAsset(kind, r.manifest.id(), r.activity, ContentTypes.forAsset(a),
                revalidate ? entryCacheControl : IMMUTABLE, r.lastModified, r.lastModifiedSeconds,
                representation(null, a.digest(), a.size()),
                br == null ? null : representation("br", br.digest(), br.size()),
                gzip == null ? null : representation("gzip", gzip.digest(), gzip.size()));
    }

    ServedAsset document(LoadedRelease r, byte[] json) {
        ByteBuffer body = ByteBuffer.allocateDirect(json.length).put(json).flip();
        Representation rep = new Representation(null, Digest.of(json), json.length, body);
        return new ServedAsset(AssetKind.MANIFEST, r.manifest.id(), r.activity, JSON, IMMUTABLE, r.lastModified,
                r.lastModifiedSeconds, rep, null, null);
    }

    private Representation representation(String encoding, Digest digest, long size) {
        String key = encoding == null ? digest.hex() : encoding + ":" + digest.hex();
        Representation r = shared.get(key);
        if (r == null || r.size != size) {
            r = new Representation(encoding, digest, size, null);
            shared.put(key, r);
        }
        return r;
    }
}
