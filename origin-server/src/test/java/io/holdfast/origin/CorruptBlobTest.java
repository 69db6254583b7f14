package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Digest;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A blob whose bytes do not match its digest is never served, on any kind of store. */
class CorruptBlobTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"filesystem", "remote-streaming", "remote-disk-cache"})
    void corruptedBlobsAreNotServed(String kind, @TempDir Path dir) throws Exception {
        FileSystemStore fs = new FileSystemStore(dir.resolve("store"), true);
        BlobStore store = kind.equals("filesystem") ? fs : new RemoteStore(fs);
        SampleSite site = new SampleSite(new TestPublisher(store));
        Asset css = site.r2.asset("css/app.css");
        Asset photo = site.r2.asset("img/photo.png");
        Asset font = site.r1.asset("fonts/sans.woff2");
        flipAByte(fs, css.digest());
        flipAByte(fs, photo.digest());
        truncate(fs, font.digest());
        OriginConfig.Builder b = OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0).accessReport(false)
                .maxCachedBlobBytes(SampleSite.MAX_CACHED);
        if (kind.equals("remote-disk-cache")) {
            b.diskCacheDir(Optional.of(dir.resolve("cache")));
        }
        try (OriginServer server = OriginServer.start(b.build(), store, Clock.systemUTC())) {
            Http http = new Http(server.url());
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<byte[]> r = http.get("/" + css.servedPath());
                assertEquals(502, r.statusCode());
                assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
                assertFalse(r.headers().firstValue("ETag").isPresent());
                r = http.get("/" + font.servedPath());
                assertEquals(502, r.statusCode());
            }
            // The precompressed variants are separate blobs, still intact.
            HttpResponse<byte[]> br = http.get("/" + css.servedPath(), "Accept-Encoding", "br");
            assertEquals(200, br.statusCode());
            assertArrayEquals(site.r2.bytes(css, "br"), br.body());
            // A large blob: 502 before any byte, or (streamed from a remote store) a cut connection.
            byte[] corrupted = Files.readAllBytes(fs.file(StoreKeys.blob(photo.digest())));
            try {
                HttpResponse<byte[]> big = http.get("/" + photo.servedPath());
                assertEquals(kind.equals("remote-streaming") ? -1 : 502, big.statusCode(), "status for " + kind);
                assertFalse(Arrays.equals(corrupted, big.body()));
            } catch (IOException e) {
                assertEquals("remote-streaming", kind, "only a streamed body is cut short: " + e);
            }
            // Ranges of a large local or disk-cached blob are refused too (the file was checked whole first).
            if (!kind.equals("remote-streaming")) {
                assertEquals(502, http.get("/" + photo.servedPath(), "Range", "bytes=0-9").statusCode());
            }
            String scrape = server.registry().scrape();
            assertTrue(Metrics.value(scrape, "holdfast_origin_blob_corrupt_total") >= 3, scrape);
            // Every other asset is still served.
            assertEquals(200, http.get("/" + site.r2.asset("js/app.js").servedPath()).statusCode());
        }
    }

    private static void flipAByte(FileSystemStore fs, Digest d) throws IOException {
        Path f = fs.file(StoreKeys.blob(d));
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 0x55;
        Files.write(f, b);
    }

    private static void truncate(FileSystemStore fs, Digest d) throws IOException {
        Path f = fs.file(StoreKeys.blob(d));
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 1));
    }
}
