package io.holdfast.gc;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Source;
import io.holdfast.manifest.Variant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A release for tests: a manifest whose assets are the given contents; every third asset has a gzip variant. */
record TestRelease(ReleaseId id, ReleaseManifest manifest, byte[] manifestBytes, Map<Digest, byte[]> blobs) {

    static TestRelease of(String id, String... contents) {
        List<Asset> assets = new ArrayList<>();
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        for (int i = 0; i < contents.length; i++) {
            byte[] bytes = contents[i].getBytes(StandardCharsets.UTF_8);
            Digest d = Digest.of(bytes);
            blobs.put(d, bytes);
            Map<String, Variant> variants = Map.of();
            if (i % 3 == 2) {
                byte[] gz = ("gzip:" + contents[i]).getBytes(StandardCharsets.UTF_8);
                Digest gd = Digest.of(gz);
                blobs.put(gd, gz);
                variants = Map.of("gzip", new Variant(gd, gz.length));
            }
            assets.add(new Asset("f" + i + ".txt", "f" + i + "-" + d.hex().substring(0, 12) + ".txt", d, bytes.length,
                    "text/plain; charset=utf-8", d.integrity(), false, variants));
        }
        ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of(id), Instant.parse("2025-01-01T00:00:00Z"),
                Source.NONE, assets);
        return new TestRelease(m.id(), m, Documents.encode(m), blobs);
    }

    Set<Digest> digests() {
        return blobs.keySet();
    }
}
