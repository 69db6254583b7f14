package io.holdfast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.channel.ChannelRegistry;
import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.lease.GcGate;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.manifest.Source;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.CountingStore;
import io.holdfast.testing.ManualTimer;
import io.holdfast.testing.MutableClock;
import io.holdfast.testing.Trees;
import io.holdfast.verify.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest {
    @TempDir
    Path tmp;

    static final GcGate.Sleeper NO_SLEEP = d -> {
        throw new AssertionError("publish waited for GC, but no GC is running");
    };

    static Publisher publisher(BlobStore store) {
        return new Publisher(store, PublishSettings.defaults().withThreads(2, 4),
                new MutableClock(Instant.parse("2030-01-01T00:00:00Z")), new ManualTimer(), NO_SLEEP, PublishListener.NONE);
    }

    static PublishResult publish(BlobStore store, Path dir, String id) {
        return publisher(store).publish(PublishRequest.of(dir, ReleaseId.of(id)));
    }

    static void assertIntact(BlobStore store, String id) {
        ReleaseManifest m = new ReleaseCatalog(store).require(ReleaseId.of(id));
        Verifier.Report r = new Verifier(store, 2).verify(List.of(m));
        assertTrue(r.ok(), r.damage().toString());
    }

    static List<String> keys(BlobStore store, String prefix) {
        List<String> out = new ArrayList<>();
        store.list(prefix, i -> out.add(i.key()));
        return out;
    }

    @Test
    void publishesACompleteRelease() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        PublishResult r = publish(store, dir, "1");

        assertEquals(6, r.files());
        assertFalse(r.alreadyCommitted());
        assertEquals(r.blobs(), r.newBlobs());
        assertIntact(store, "1");
        ReleaseManifest m = new ReleaseCatalog(store).require(ReleaseId.of("1"));
        Map<String, Asset> byPath = m.assets().stream().collect(Collectors.toMap(Asset::path, a -> a));
        assertEquals("index.html", byPath.get("index.html").servedPath());
        assertTrue(byPath.get("index.html").entryPoint());
        assertTrue(byPath.get("css/app.css").servedPath().matches("css/app-[0-9a-f]{16}\\.css"));
        assertEquals("text/css; charset=utf-8", byPath.get("css/app.css").contentType());
        assertEquals(byPath.get("css/app.css").digest().integrity(), byPath.get("css/app.css").integrity());
        // the big script has variants; the small files do not
        assertEquals(Set.of("br", "gzip"), byPath.get("js/app.js").variants().keySet());
        assertTrue(byPath.get("js/app.js").variants().get("br").size() < byPath.get("js/app.js").size());
        assertTrue(byPath.get("img/logo.png").variants().isEmpty());
        // the stylesheet was rewritten to the fingerprinted names
        String css = new String(read(store, byPath.get("css/app.css").digest()), StandardCharsets.UTF_8);
        assertTrue(css.contains(byPath.get("img/logo.png").servedPath().substring(4)), css);
        assertTrue(css.contains("/" + byPath.get("fonts/f.woff2").servedPath()), css);
        // the lease is gone
        assertEquals(List.of(), keys(store, StoreKeys.LEASES));
    }

    static byte[] read(BlobStore store, Digest d) {
        try (var s = store.get(StoreKeys.blob(d), null).orElseThrow()) {
            return s.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void republishingAnUnchangedTreeUploadsNothing() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        CountingStore store = new CountingStore(new FileSystemStore(tmp.resolve("store"), true));
        publish(store, dir, "1");
        store.reset();
        PublishResult r = publish(store, dir, "2");
        assertEquals(0, r.newBlobs());
        assertEquals(0, r.bytesUploaded());
        assertEquals(0, store.count("put", StoreKeys.BLOBS));
        assertEquals(0, store.count("head", StoreKeys.BLOBS), store.calls().toString());
        assertIntact(store, "2");
    }

    @Test
    void kChangedFilesUploadAboutKBlobsWithoutLookingUpTheUnchangedOnes() {
        Map<String, String> files = Trees.numbered(60, 7);
        files.put("big/a.js", "let a = 1;\n".repeat(300));
        Path dir = Trees.write(tmp.resolve("site"), files);
        CountingStore store = new CountingStore(new FileSystemStore(tmp.resolve("store"), true));
        publish(store, dir, "1");

        Trees.write(dir, Map.of("f/3.txt", "changed three", "f/10.txt", "changed ten", "big/a.js", "let b = 2;\n".repeat(300)));
        store.reset();
        PublishResult r = publish(store, dir, "2");
        // 3 new contents, and the changed script's br and gzip variants
        assertEquals(5, r.newBlobs());
        long blobCalls = store.calls().stream().filter(c -> c.contains(StoreKeys.BLOBS)).count();
        assertEquals(5, blobCalls, store.calls().toString());
        assertIntact(store, "2");
    }

    @Test
    void theSameIdWithTheSameContentSucceedsWithoutUploading() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        CountingStore store = new CountingStore(new FileSystemStore(tmp.resolve("store"), true));
        publish(store, dir, "7");
        store.reset();
        PublishResult again = publish(store, dir, "7");
        assertTrue(again.alreadyCommitted());
        assertEquals(0, again.newBlobs());
        assertEquals(0, store.count("put", ""));
        assertEquals(0, store.count("cas", ""), "no lease, no commit: " + store.calls());
    }

    @Test
    void theSameIdWithOtherContentIsAConflict() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        publish(store, dir, "7");
        byte[] before = new ReleaseCatalog(store).readRaw(ReleaseId.of("7")).orElseThrow();
        Trees.write(dir, Map.of("img/logo.png", "another logo"));
        HoldfastException e = assertThrows(HoldfastException.class, () -> publish(store, dir, "7"));
        assertEquals(ErrorKind.RELEASE_CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("img/logo.png"), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, new ReleaseCatalog(store).readRaw(ReleaseId.of("7")).orElseThrow()));
        assertEquals(List.of(), keys(store, StoreKeys.LEASES));
    }

    @Test
    void namesWithSpacesUnicodePercentHashAndQuestionMarksArePublished() {
        Map<String, String> files = Map.of(
                "a b/c d.css", "x{background:url('e%20f.png')}",
                "a b/e f.png", "img",
                "ünï/cödé.js", "u",
                "100%.txt", "percent",
                "a#b.svg", "<svg/>",
                "what?.json", "{}",
                "index.html", "<p>");
        Path dir = Trees.write(tmp.resolve("site"), files);
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        publish(store, dir, "1");
        ReleaseManifest m = new ReleaseCatalog(store).require(ReleaseId.of("1"));
        assertEquals(files.keySet(), m.assets().stream().map(Asset::path).collect(Collectors.toSet()));
        Asset svg = m.assets().stream().filter(a -> a.path().equals("a#b.svg")).findFirst().orElseThrow();
        assertTrue(svg.servedPath().matches("a#b-[0-9a-f]{16}\\.svg"), svg.servedPath());
        Asset css = m.assets().stream().filter(a -> a.path().equals("a b/c d.css")).findFirst().orElseThrow();
        assertTrue(new String(read(store, css.digest()), StandardCharsets.UTF_8).matches("x\\{background:url\\('e%20f-[0-9a-f]{16}\\.png'\\)}"));
        assertIntact(store, "1");
    }

    @Test
    void aNameThatLooksHashedButChangedContentIsFingerprinted() {
        Path dir = Trees.write(tmp.resolve("site"), Map.of("assets/app-BxY3z9Ab.js", "one"));
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        publish(store, dir, "1");
        Trees.write(dir, Map.of("assets/app-BxY3z9Ab.js", "two"));
        publish(store, dir, "2");
        String served1 = new ReleaseCatalog(store).require(ReleaseId.of("1")).assets().get(0).servedPath();
        String served2 = new ReleaseCatalog(store).require(ReleaseId.of("2")).assets().get(0).servedPath();
        assertEquals("assets/app-BxY3z9Ab.js", served1);
        assertNotEquals(served1, served2);
    }

    @Test
    void movesTheChannelAfterTheCommitAndOnARepeatedPublish() {
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        ChannelName prod = ChannelName.of("production");
        publisher(store).publish(PublishRequest.of(dir, ReleaseId.of("1")).withChannel(prod));
        assertEquals(ReleaseId.of("1"), new ChannelRegistry(store).read(prod).orElseThrow().channel().current());
        Trees.write(dir, Map.of("index.html", "v2"));
        publish(store, dir, "2");
        assertEquals(ReleaseId.of("1"), new ChannelRegistry(store).read(prod).orElseThrow().channel().current());
        PublishResult r = publisher(store).publish(PublishRequest.of(dir, ReleaseId.of("2")).withChannel(prod));
        assertTrue(r.alreadyCommitted());
        assertEquals(ReleaseId.of("2"), new ChannelRegistry(store).read(prod).orElseThrow().channel().current());
        assertEquals(2, new ChannelRegistry(store).read(prod).orElseThrow().channel().history().size());
    }

    @Test
    void prefixAndSourceMetadataAreRecorded() {
        Path dir = Trees.write(tmp.resolve("site"), Map.of("app.css", "a{background:url(/assets/i.png)}", "i.png", "i"));
        FileSystemStore store = new FileSystemStore(tmp.resolve("store"), true);
        Publisher p = new Publisher(store, PublishSettings.defaults().withPrefix("/assets/"), new MutableClock(Instant.EPOCH),
                new ManualTimer(), NO_SLEEP, PublishListener.NONE);
        p.publish(new PublishRequest(dir, Optional.of(ReleaseId.of("1")), Optional.empty(),
                new Source("abc123", "main", "ci"), Set.of()));
        ReleaseManifest m = new ReleaseCatalog(store).require(ReleaseId.of("1"));
        assertEquals(new Source("abc123", "main", "ci"), m.source());
        Asset css = m.assets().get(0);
        assertEquals("assets/app.css", css.path());
        assertTrue(css.servedPath().startsWith("assets/app-"));
        Asset img = m.assets().get(1);
        assertTrue(new String(read(store, css.digest()), StandardCharsets.UTF_8).contains("/" + img.servedPath()));
    }

    @Test
    void theStoreInsideTheTreeIsNotPublished() throws Exception {
        Path dir = Trees.write(tmp.resolve("site"), Map.of("index.html", "x"));
        FileSystemStore store = new FileSystemStore(dir.resolve(".holdfast"), true);
        publisher(store).publish(new PublishRequest(dir, Optional.of(ReleaseId.of("1")), Optional.empty(), null,
                Set.of(dir.resolve(".holdfast"))));
        assertEquals(1, new ReleaseCatalog(store).require(ReleaseId.of("1")).assets().size());
        assertTrue(Files.exists(dir.resolve(".holdfast/releases/1.json")));
    }
}
