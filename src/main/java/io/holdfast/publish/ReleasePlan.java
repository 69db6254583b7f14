package io.holdfast.publish;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A release worked out locally (publish protocol step 1): its assets and, for every distinct blob they reference,
 * where its bytes come from.
 *
 * @param assets   the manifest's assets; logical and served paths carry the prefix
 * @param blobs    digest → blob, identity contents and variants alike
 * @param bytes    total identity bytes
 * @param warnings references in CSS/JS that name no file of the tree
 */
public record ReleasePlan(List<Asset> assets, Map<Digest, BlobUploader.Blob> blobs, long bytes, List<String> warnings) {

    public ReleaseManifest manifest(ReleaseId id, Instant created, Source source) {
        return new ReleaseManifest(ReleaseManifest.FORMAT, id, created, source, assets);
    }

    public int files() {
        return assets.size();
    }
}
