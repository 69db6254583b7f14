package io.holdfast.manifest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable description of one release: {@code releases/<id>.json}. Its creation in the store is the
 * commit point of a publish. {@code format} lets readers refuse documents from a newer Holdfast.
 */
public record ReleaseManifest(int format, ReleaseId id, Instant created, Source source, List<Asset> assets) {
    public static final int FORMAT = 1;

    public ReleaseManifest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(created, "created");
        source = source == null ? Source.NONE : source;
        List<Asset> sorted = new ArrayList<>(assets);
        sorted.sort(Comparator.comparing(Asset::path));
        assets = List.copyOf(sorted);
    }

    /** Every blob this release references: identity content and all variants. */
    public Set<Digest> digests() {
        Set<Digest> all = new LinkedHashSet<>();
        for (Asset a : assets) {
            all.add(a.digest());
            a.variants().values().forEach(v -> all.add(v.digest()));
        }
        return all;
    }

    public long totalBytes() {
        return assets.stream().mapToLong(Asset::size).sum();
    }

    /** Same files with the same bytes under the same names, whatever the creation time or source. */
    public boolean sameContentAs(ReleaseManifest other) {
        return assets.equals(other.assets);
    }
}
