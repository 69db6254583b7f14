package io.holdfast.publish;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.channel.ChannelRegistry;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Variant;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The releases a publish builds on: the one with the same id (if any), the channel's current one and the newest
 * few. Their manifests are read before the lease, for what manifests say forever (which variants a content
 * has, which bytes a served name held). Whether their blobs still exist is only decided after the lease and the
 * GC gate: {@link #proven} checks that each manifest is still committed (one HEAD per manifest), and a committed
 * manifest is proof that its blobs exist (invariant 1), which our lease then keeps true. That is how an
 * incremental publish skips its unchanged files without one request each.
 */
final class PriorReleases {
    private final Optional<ReleaseManifest> sameId;
    private final Optional<ReleaseManifest> retiredSameId;
    private final List<ReleaseManifest> manifests;

    private PriorReleases(Optional<ReleaseManifest> sameId, Optional<ReleaseManifest> retiredSameId,
                          List<ReleaseManifest> manifests) {
        this.sameId = sameId;
        this.retiredSameId = retiredSameId;
        this.manifests = manifests;
    }

    static PriorReleases load(BlobStore store, ReleaseId id, Optional<ChannelName> channel, int newest) {
        return recent(store, channel, newest).withSameId(store, id);
    }

    /**
     * The channel's current release and the newest few: what does not depend on the release id, so it can be
     * read while the tree is still being hashed.
     */
    static PriorReleases recent(BlobStore store, Optional<ChannelName> channel, int newest) {
        ReleaseCatalog catalog = new ReleaseCatalog(store);
        Map<ReleaseId, ReleaseManifest> chosen = new LinkedHashMap<>();
        if (channel.isPresent()) {
            new ChannelRegistry(store).read(channel.get()).map(s -> s.channel().current())
                    .flatMap(catalog::read)
                    .ifPresent(m -> chosen.put(m.id(), m));
        }
        if (newest > 0) {
            // Read side by side: each is a request and a parse of a document as large as the tree's file list.
            List<Optional<ReleaseManifest>> read = catalog.newest(newest).parallelStream()
                    .filter(e -> !chosen.containsKey(e.id()))
                    .map(e -> catalog.read(e.id())).toList();
            read.forEach(m -> m.ifPresent(x -> chosen.putIfAbsent(x.id(), x)));
        }
        return new PriorReleases(Optional.empty(), Optional.empty(), List.copyOf(chosen.values()));
    }

    /** These releases plus the one with the publish's own id, committed or retired, if it exists. */
    PriorReleases withSameId(BlobStore store, ReleaseId id) {
        ReleaseCatalog catalog = new ReleaseCatalog(store);
        Optional<ReleaseManifest> same = manifests.stream().filter(m -> m.id().equals(id)).findFirst()
                .or(() -> catalog.read(id));
        Optional<ReleaseManifest> retired = same.isPresent() ? Optional.empty() : catalog.readRetired(id);
        List<ReleaseManifest> all = new ArrayList<>();
        same.ifPresent(all::add);
        manifests.stream().filter(m -> !m.id().equals(id)).forEach(all::add);
        return new PriorReleases(same, retired, List.copyOf(all));
    }

    static PriorReleases none() {
        return new PriorReleases(Optional.empty(), Optional.empty(), List.of());
    }

    Optional<ReleaseManifest> sameId() {
        return sameId;
    }

    Optional<ReleaseManifest> retiredSameId() {
        return retiredSameId;
    }

    List<ReleaseManifest> manifests() {
        return manifests;
    }

    /** identity digest → the variants an earlier publish made of that content (possibly none). */
    Map<Digest, Map<String, Variant>> variantsByContent() {
        Map<Digest, Map<String, Variant>> out = new HashMap<>();
        for (ReleaseManifest m : manifests) {
            for (Asset a : m.assets()) {
                out.putIfAbsent(a.digest(), a.variants());
            }
        }
        return out;
    }

    /** served path → digest, for names served as themselves without being entry points (immutable names). */
    Map<String, Digest> immutableNames() {
        Map<String, Digest> out = new HashMap<>();
        for (ReleaseManifest m : manifests) {
            for (Asset a : m.assets()) {
                if (!a.entryPoint()) {
                    out.putIfAbsent(a.servedPath(), a.digest());
                }
            }
        }
        return out;
    }

    /**
     * The digests proven to exist: those of every manifest still committed now. Call only after the lease is
     * written and the GC gate passed. One HEAD per manifest.
     */
    Set<Digest> proven(BlobStore store, ReleaseId publishing) {
        Set<Digest> out = new HashSet<>();
        List<ReleaseManifest> still = new ArrayList<>();
        for (ReleaseManifest m : manifests) {
            // Our own release is no proof: a dangling commit of an earlier attempt is exactly what must be repaired.
            if (!m.id().equals(publishing) && store.head(StoreKeys.release(m.id())).isPresent()) {
                still.add(m);
            }
        }
        still.forEach(m -> out.addAll(m.digests()));
        return out;
    }
}
