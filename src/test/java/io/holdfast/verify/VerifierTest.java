package io.holdfast.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.catalog.ReleaseCatalog;
import io.holdfast.lease.GcGate;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.publish.PublishListener;
import io.holdfast.publish.PublishRequest;
import io.holdfast.publish.PublishSettings;
import io.holdfast.publish.Publisher;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.ManualTimer;
import io.holdfast.testing.MutableClock;
import io.holdfast.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {
    @TempDir
    Path tmp;

    private FileSystemStore store;
    private ReleaseManifest m1;
    private ReleaseManifest m2;

    @BeforeEach
    void publishTwoReleases() {
        store = new FileSystemStore(tmp.resolve("store"), true);
        Path dir = Trees.write(tmp.resolve("site"), Trees.smallSite());
        Publisher p = new Publisher(store, PublishSettings.defaults(), new MutableClock(Instant.EPOCH), new ManualTimer(),
                GcGate.Sleeper.REAL, PublishListener.NONE);
        p.publish(PublishRequest.of(dir, ReleaseId.of("1")));
        Trees.write(dir, Map.of("index.html", "v2"));
        p.publish(PublishRequest.of(dir, ReleaseId.of("2")));
        m1 = new ReleaseCatalog(store).require(ReleaseId.of("1"));
        m2 = new ReleaseCatalog(store).require(ReleaseId.of("2"));
    }

    private Asset asset(ReleaseManifest m, String path) {
        return m.assets().stream().filter(a -> a.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void intactReleasesHaveNoDamage() {
        Verifier.Report r = new Verifier(store, 2).verify(List.of(m1, m2));
        assertTrue(r.ok(), r.damage().toString());
        assertEquals(2, r.releases());
        assertEquals(m1.digests().size() + 1, r.blobs(), "one new blob in release 2");
    }

    @Test
    void findsMissingAndCorruptBlobsInEveryReleaseThatUsesThem() throws Exception {
        Asset logo = asset(m1, "img/logo.png");
        store.delete(List.of(StoreKeys.blob(logo.digest())));
        Asset css = asset(m1, "css/app.css");
        Files.writeString(store.file(StoreKeys.blob(css.digest())), "tampered");
        Verifier.Report r = new Verifier(store, 2).verify(List.of(m1, m2));
        assertEquals(4, r.damage().size(), r.damage().toString());
        assertEquals(2, r.damage().stream().filter(d -> d.problem() == Verifier.Problem.MISSING).count());
        assertEquals(2, r.damage().stream().filter(d -> d.problem() == Verifier.Problem.CORRUPT).count());
        assertTrue(r.damage().get(0).toString().startsWith("release 1: "), r.damage().get(0).toString());
    }

    @Test
    void findsAVariantThatDecodesToOtherContent() throws Exception {
        Asset js = asset(m1, "js/app.js");
        // Swap the gzip variant's blob for a valid gzip of other bytes under the same digest key: hash mismatch.
        // To test decoding alone, write a manifest whose gzip variant points at the gzip of another asset.
        Asset other = asset(m1, "js/app.js");
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bo)) {
            gz.write("something else entirely".repeat(100).getBytes());
        }
        Payload p = Payload.ofBytes(bo.toByteArray());
        store.putIfAbsent(StoreKeys.blob(p.sha256()), p);
        Map<String, io.holdfast.manifest.Variant> wrong = new java.util.TreeMap<>(other.variants());
        wrong.put("gzip", new io.holdfast.manifest.Variant(p.sha256(), p.size()));
        Asset bad = new Asset(js.path(), js.servedPath(), js.digest(), js.size(), js.contentType(), js.integrity(),
                js.entryPoint(), wrong);
        ReleaseManifest tampered = new ReleaseManifest(1, ReleaseId.of("x"), Instant.EPOCH, null, List.of(bad));
        Verifier.Report r = new Verifier(store, 1).verify(List.of(tampered));
        assertEquals(1, r.damage().size(), r.damage().toString());
        assertEquals(Verifier.Problem.BAD_VARIANT, r.damage().get(0).problem());
        assertEquals("gzip", r.damage().get(0).encoding());
    }
}
