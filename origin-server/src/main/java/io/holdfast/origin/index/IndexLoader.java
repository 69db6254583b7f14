package io.holdfast.origin.index;

import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ManifestCheck;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.origin.observe.OriginMetrics;
import io.holdfast.store.BlobStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreException;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.Versioned;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store into an {@link IndexSnapshot}: lists {@code releases/} and {@code channels/} (two list requests
 * per refresh) and reads only documents whose store version changed since the previous snapshot.
 *
 * <p><b>Two releases, one path, different bytes.</b> Fingerprinted names embed the digest, so this only happens
 * with names a bundler hashed badly or with hand-made manifests. The oldest release (by creation time, then id)
 * owns the path, and an owner's bytes stay chosen while any loaded release still maps the path to them (so a newer
 * release can never replace the bytes behind a URL that is already served); the conflict is logged once and
 * counted. {@code /_releases/<id>/…} always serves that release's own bytes.
 *
 * <p>Not thread-safe: the {@link ReleaseIndex} calls it from its one refresh thread.
 */
public final class IndexLoader {
    private static final Logger LOG = LoggerFactory.getLogger(IndexLoader.class);
    private final BlobStore store;
    private final ChannelName channel;
    private final OriginMetrics metrics;
    private final AssetFactory factory;

    public IndexLoader(BlobStore store, ChannelName channel, String entryCacheControl, OriginMetrics metrics) {
        this.store = store;
        this.channel = channel;
        this.metrics = metrics;
        this.factory = new AssetFactory(entryCacheControl);
    }

    /**
     * A new snapshot, or {@code previous} itself when nothing changed.
     *
     * @throws StoreException when the store cannot be listed or read (the caller keeps the previous snapshot)
     */
    public IndexSnapshot load(IndexSnapshot previous) {
        Map<String, String> malformed = new TreeMap<>();
        Map<ReleaseId, LoadedRelease> releases = loadReleases(previous, malformed);
        Map<ChannelName, IndexSnapshot.ChannelState> channels = loadChannels(previous, malformed);
        if (previous.loaded() && releases.equals(previous.releases()) && channels.equals(previous.channels())
                && malformed.equals(previous.malformed())) {
            return previous;
        }
        factory.resetSharing();
        Set<String> conflicts = new TreeSet<>();
        Map<String, ServedAsset> fingerprinted = fingerprinted(releases, previous, conflicts);
        ReleaseId current = currentRelease(channels, releases, previous);
        Map<String, ServedAsset> entries = new HashMap<>();
        if (current != null) {
            LoadedRelease r = releases.get(current);
            for (Asset a : r.manifest.assets()) {
                if (a.entryPoint()) {
                    entries.put("/" + a.servedPath(), factory.asset(r, a, AssetKind.ENTRY, true));
                }
            }
        }
        if (!previous.loaded()) {
            LOG.info("event=index_loaded release={} releases={} paths={} channels={} malformed={} conflicts={}",
                    current == null ? "-" : current, releases.size(), fingerprinted.size(), channels.size(),
                    malformed.size(), conflicts.size());
        }
        return new IndexSnapshot(Map.copyOf(fingerprinted), Map.copyOf(entries), Map.copyOf(releases),
                Map.copyOf(channels), current, Map.copyOf(malformed), Set.copyOf(conflicts), true);
    }

    private Map<ReleaseId, LoadedRelease> loadReleases(IndexSnapshot previous, Map<String, String> malformed) {
        List<ObjectInfo> listed = new ArrayList<>();
        store.list(StoreKeys.RELEASES, listed::add);
        Map<ReleaseId, LoadedRelease> releases = new HashMap<>();
        for (ObjectInfo info : listed) {
            var id = StoreKeys.releaseIdIn(StoreKeys.RELEASES, info.key());
            if (id.isEmpty()) {
                if (!info.version().equals(previous.malformed().get(info.key()))) {
                    LOG.warn("event=manifest_skipped release=- key={} reason=\"not a release manifest name\"", info.key());
                }
                malformed.put(info.key(), info.version());
                continue;
            }
            LoadedRelease known = previous.releases().get(id.get());
            if (known != null && known.version.equals(info.version())) {
                releases.put(id.get(), known);
                continue;
            }
            if (info.version().equals(previous.malformed().get(info.key()))) {
                malformed.put(info.key(), info.version());
                continue;
            }
            Versioned doc = store.read(info.key()).orElse(null);
            if (doc == null) {
                continue; // retired between list and read
            }
            try {
                ReleaseManifest m = Documents.decodeManifest(doc.content(), info.key());
                if (!m.id().equals(id.get())) {
                    throw new HoldfastException(io.holdfast.error.ErrorKind.STORE_FAILED,
                            "store object " + info.key() + " names release " + m.id());
                }
                // Paths that could escape, negative sizes, contradictory entries: no publish writes these.
                List<String> problems = ManifestCheck.problems(m);
                if (!problems.isEmpty()) {
                    throw new HoldfastException(io.holdfast.error.ErrorKind.STORE_FAILED,
                            "store object " + info.key() + " is not a manifest to trust: " + String.join("; ", problems));
                }
                releases.put(m.id(), new LoadedRelease(m, doc.version(), metrics.release(m.id()), factory));
                if (previous.loaded()) { // the first load is summarised once, not per release
                    LOG.info("event=release_loaded release={} assets={} created={}", m.id(), m.assets().size(), m.created());
                }
            } catch (HoldfastException e) {
                LOG.warn("event=manifest_malformed release={} key={} error=\"{}\"", id.get(), info.key(), oneLine(e));
                malformed.put(info.key(), doc.version());
            }
        }
        for (ReleaseId gone : previous.releases().keySet()) {
            if (!releases.containsKey(gone)) {
                LOG.info("event=release_unloaded release={} reason=\"no longer under releases/\"", gone);
            }
        }
        return releases;
    }

    private Map<ChannelName, IndexSnapshot.ChannelState> loadChannels(IndexSnapshot previous, Map<String, String> malformed) {
        List<ObjectInfo> listed = new ArrayList<>();
        store.list(StoreKeys.CHANNELS, listed::add);
        Map<ChannelName, IndexSnapshot.ChannelState> channels = new HashMap<>();
        for (ObjectInfo info : listed) {
            var name = StoreKeys.nameIn(StoreKeys.CHANNELS, info.key()).filter(n -> n.matches("[a-z0-9][a-z0-9_-]{0,63}"));
            if (name.isEmpty()) {
                malformed.put(info.key(), info.version());
                continue;
            }
            ChannelName cn = ChannelName.of(name.get());
            IndexSnapshot.ChannelState known = previous.channels().get(cn);
            if (known != null && known.version().equals(info.version())) {
                channels.put(cn, known);
                continue;
            }
            if (info.version().equals(previous.malformed().get(info.key()))) {
                malformed.put(info.key(), info.version());
                continue;
            }
            Versioned doc = store.read(info.key()).orElse(null);
            if (doc == null) {
                continue;
            }
            try {
                Channel c = Documents.decode(doc.content(), Channel.class, info.key());
                channels.put(cn, new IndexSnapshot.ChannelState(c.current(), doc.version()));
                if (known == null || !known.current().equals(c.current())) {
                    LOG.info("event=channel_moved channel={} release={} previous={}", cn, c.current(),
                            known == null ? "-" : known.current());
                }
            } catch (HoldfastException e) {
                LOG.warn("event=channel_malformed release=- key={} error=\"{}\"", info.key(), oneLine(e));
                malformed.put(info.key(), doc.version());
            }
        }
        return channels;
    }

    /** The configured channel's release; if it names a release that is not loadable, the previous one stays. */
    private ReleaseId currentRelease(Map<ChannelName, IndexSnapshot.ChannelState> channels,
                                     Map<ReleaseId, LoadedRelease> releases, IndexSnapshot previous) {
        IndexSnapshot.ChannelState c = channels.get(channel);
        if (c == null) {
            return null;
        }
        if (releases.containsKey(c.current())) {
            return c.current();
        }
        ReleaseId kept = previous.current() != null && releases.containsKey(previous.current()) ? previous.current() : null;
        LOG.error("event=channel_release_missing channel={} release={} serving={}", channel, c.current(),
                kept == null ? "-" : kept);
        return kept;
    }

    private Map<String, ServedAsset> fingerprinted(Map<ReleaseId, LoadedRelease> releases, IndexSnapshot previous,
                                                   Set<String> conflicts) {
        List<LoadedRelease> oldestFirst = new ArrayList<>(releases.values());
        oldestFirst.sort(Comparator.comparing((LoadedRelease r) -> r.manifest.created())
                .thenComparing(r -> r.manifest.id()));
        Map<String, ServedAsset> byPath = new HashMap<>();
        Map<String, List<ServedAsset>> contested = new LinkedHashMap<>();
        for (LoadedRelease r : oldestFirst) {
            for (Asset a : r.manifest.assets()) {
                if (a.entryPoint()) {
                    continue;
                }
                String path = "/" + a.servedPath();
                ServedAsset owner = byPath.get(path);
                if (owner == null) {
                    byPath.put(path, factory.asset(r, a, AssetKind.FINGERPRINTED, false));
                } else if (!owner.identity.digest.equals(a.digest())) {
                    contested.computeIfAbsent(path, p -> new ArrayList<>(List.of(owner)))
                            .add(factory.asset(r, a, AssetKind.FINGERPRINTED, false));
                }
            }
        }
        for (Map.Entry<String, List<ServedAsset>> e : contested.entrySet()) {
            String path = e.getKey();
            ServedAsset before = previous.fingerprinted().get(path);
            Digest keep = before == null ? null : before.identity.digest;
            ServedAsset chosen = e.getValue().stream().filter(s -> s.identity.digest.equals(keep)).findFirst()
                    .orElse(e.getValue().get(0));
            byPath.put(path, chosen);
            conflicts.add(path);
            if (!previous.conflicts().contains(path)) {
                LOG.error("event=path_conflict release={} path={} digest={} releases={}", chosen.release, path,
                        chosen.identity.digest, e.getValue().stream().map(s -> s.release + ":" + s.identity.digest).toList());
            }
        }
        return byPath;
    }

    private static String oneLine(Exception e) {
        return String.valueOf(e.getMessage()).replaceAll("[\\r\\n\"]+", " ");
    }
}
