package io.holdfast.origin.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.origin.observe.OriginMetrics;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How manifests and channels become the served paths: malformed documents, conflicts, missing releases. */
class IndexLoaderTest {
    @TempDir
    Path dir;
    FileSystemStore store;
    IndexLoader loader;

    @BeforeEach
    void setUp() {
        store = new FileSystemStore(dir, true);
        loader = new IndexLoader(store, ChannelName.of("production"), "no-cache", new OriginMetrics(new SimpleMeterRegistry()));
    }

    private static Asset asset(String path, String served, String content, boolean entry) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.of(b);
        return new Asset(path, served, d, b.length, "text/plain; charset=utf-8", d.integrity(), entry, Map.of());
    }

    private void commit(String id, String created, Asset... assets) {
        ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of(id), Instant.parse(created), null, List.of(assets));
        store.compareAndSwap(StoreKeys.release(m.id()), Documents.encode(m), Optional.empty());
    }

    private void channel(String name, String release) {
        var key = StoreKeys.channel(ChannelName.of(name));
        var current = store.read(key);
        store.compareAndSwap(key, Documents.encode(Channel.first(ChannelName.of(name), ReleaseId.of(release), Instant.EPOCH)),
                current.map(v -> v.version()));
    }

    @Test
    void malformedManifestsAreSkippedAndReported() {
        commit("1", "2024-01-01T00:00:00Z", asset("a.css", "a-1.css", "a", false));
        store.compareAndSwap("releases/2.json", "{not json".getBytes(), Optional.empty());
        store.compareAndSwap("releases/3.json", "{\"format\": 99, \"id\": \"3\", \"created\": \"2024-01-01T00:00:00Z\", \"assets\": []}".getBytes(), Optional.empty());
        ReleaseManifest wrongId = new ReleaseManifest(1, ReleaseId.of("5"), Instant.EPOCH, null, List.of());
        store.compareAndSwap("releases/4.json", Documents.encode(wrongId), Optional.empty());
        store.compareAndSwap("releases/bad..name.json", "{}".getBytes(), Optional.empty());
        IndexSnapshot s = loader.load(IndexSnapshot.EMPTY);
        assertEquals(Set.of(ReleaseId.of("1")), s.releases().keySet());
        assertEquals(Set.of("releases/2.json", "releases/3.json", "releases/4.json", "releases/bad..name.json"), s.malformed().keySet());
        assertNotNull(s.lookup("/a-1.css"));
        // Nothing changed: the same snapshot, nothing re-read.
        assertSame(s, loader.load(s));
    }

    @Test
    void conflictingPathsServeTheOldestReleaseAndStayStable() {
        commit("new", "2024-02-01T00:00:00Z", asset("x.js", "x.js", "new bytes", false));
        commit("old", "2024-01-01T00:00:00Z", asset("x.js", "x.js", "old bytes", false));
        IndexSnapshot s = loader.load(IndexSnapshot.EMPTY);
        assertEquals(ReleaseId.of("old"), s.lookup("/x.js").release);
        assertEquals(Set.of("/x.js"), s.conflicts());
        // An even older release with other bytes appears later: the bytes already served stay.
        commit("older", "2023-01-01T00:00:00Z", asset("x.js", "x.js", "oldest bytes", false));
        IndexSnapshot s2 = loader.load(s);
        assertEquals(ReleaseId.of("old"), s2.lookup("/x.js").release);
        // Each release's own bytes stay reachable by preview URL.
        assertEquals(Digest.of("new bytes".getBytes(StandardCharsets.UTF_8)),
                s2.release(ReleaseId.of("new")).asset("x.js").identity.digest);
    }

    @Test
    void entryPointsComeFromTheChannelsCurrentRelease() {
        commit("1", "2024-01-01T00:00:00Z", asset("index.html", "index.html", "one", true), asset("only1.html", "only1.html", "x", true));
        commit("2", "2024-01-02T00:00:00Z", asset("index.html", "index.html", "two", true));
        assertNull(loader.load(IndexSnapshot.EMPTY).lookup("/index.html"), "no channel yet");
        channel("production", "1");
        IndexSnapshot s = loader.load(IndexSnapshot.EMPTY);
        assertEquals(ReleaseId.of("1"), s.lookup("/").release);
        assertEquals(AssetKind.ENTRY, s.lookup("/").kind);
        assertEquals("no-cache", s.lookup("/").cacheControl);
        channel("production", "2");
        IndexSnapshot s2 = loader.load(s);
        assertEquals(ReleaseId.of("2"), s2.lookup("/index.html").release);
        assertNull(s2.lookup("/only1.html"));
        // A channel naming a release that is not loadable keeps the current one.
        channel("production", "9");
        IndexSnapshot s3 = loader.load(s2);
        assertEquals(ReleaseId.of("2"), s3.current());
        assertEquals(ReleaseId.of("2"), s3.lookup("/").release);
    }

    @Test
    void retiredReleasesDisappear() {
        commit("1", "2024-01-01T00:00:00Z", asset("a.css", "a-1.css", "a", false));
        commit("2", "2024-01-02T00:00:00Z", asset("a.css", "a-2.css", "b", false));
        IndexSnapshot s = loader.load(IndexSnapshot.EMPTY);
        assertNotNull(s.lookup("/a-1.css"));
        store.delete(List.of("releases/1.json"));
        IndexSnapshot s2 = loader.load(s);
        assertNull(s2.lookup("/a-1.css"));
        assertNotNull(s2.lookup("/a-2.css"));
        assertTrue(s2.loaded());
    }
}
