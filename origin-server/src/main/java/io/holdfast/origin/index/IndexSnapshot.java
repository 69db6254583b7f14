package io.holdfast.origin.index;

import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.ReleaseId;
import java.util.Map;
import java.util.Set;

/**
 * One immutable view of the store: what every path serves right now. Replaced whole by each refresh, so a request
 * sees one consistent state without locks.
 *
 * @param fingerprinted  "/" + served path → the fingerprinted asset of any retained release
 * @param entries        "/" + served path → entry point of the configured channel's current release
 * @param releases       every committed release ({@code releases/*.json}) that could be read
 * @param channels       every channel → its current release
 * @param current        the configured channel's current release, or null when it has none (yet)
 * @param malformed      manifest or channel keys that could not be read → their store version (not re-read until it changes)
 * @param conflicts      served paths that two releases map to different bytes (the oldest release's bytes are served)
 * @param loaded         false only for the empty state before the first successful load
 */
public record IndexSnapshot(Map<String, ServedAsset> fingerprinted, Map<String, ServedAsset> entries,
                            Map<ReleaseId, LoadedRelease> releases, Map<ChannelName, ChannelState> channels,
                            ReleaseId current, Map<String, String> malformed, Set<String> conflicts, boolean loaded) {

    public static final IndexSnapshot EMPTY = new IndexSnapshot(Map.of(), Map.of(), Map.of(), Map.of(), null, Map.of(),
            Set.of(), false);

    /** A channel's current release and the store version of its document. */
    public record ChannelState(ReleaseId current, String version) {
    }

    /** What a plain path (no {@code /_} prefix) serves: a fingerprinted asset first (its URL is a promise), then an entry point. */
    public ServedAsset lookup(String path) {
        ServedAsset a = fingerprinted.get(path);
        if (a != null) {
            return a;
        }
        if (path.endsWith("/")) {
            return entries.get(path + "index.html");
        }
        return entries.get(path);
    }

    public LoadedRelease release(ReleaseId id) {
        return releases.get(id);
    }

    /** The current release of a channel, if it has one that is loaded. */
    public LoadedRelease currentOf(ChannelName name) {
        ChannelState c = channels.get(name);
        return c == null ? null : releases.get(c.current());
    }
}
