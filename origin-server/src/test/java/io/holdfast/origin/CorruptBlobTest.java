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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import io.holdfast.store.s3.S3Store;
import io.holdfast.testing.MutableClock;
import io.holdfast.testing.S3TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A blob whose bytes do not match its digest is never served, on any kind of store. */
class CorruptBlobTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"filesystem", "remote-streaming", "remote-disk-cache", "s3-streaming", "s3-disk-cache"})
    void corruptedBlobsAreNotServed(String kind, @TempDir Path dir) throws Exception {
        BlobStore store;
        Blobs blobs;
        if (kind.startsWith("s3")) {
            S3TestServer s3 = S3TestServer.shared();
            String bucket = s3.createBucket();
            store = S3Store.open(s3.settings(s3.config(bucket, "store/")), true);
            blobs = new S3Blobs(s3, bucket);
        } else {
            FileSystemStore fs = new FileSystemStore(dir.resolve("store"), true);
            store = kind.equals("filesystem") ? fs : new RemoteStore(fs);
            blobs = new FileBlobs(fs);
        }
        SampleSite site = new SampleSite(new TestPublisher(store));
        Asset css = site.r2.asset("css/app.css");
        Asset photo = site.r2.asset("img/photo.png");
        Asset font = site.r1.asset("fonts/sans.woff2");
        byte[] corruptedPhoto = flipAByte(blobs.read(photo.digest()));
        blobs.write(css.digest(), flipAByte(blobs.read(css.digest())));
        blobs.write(photo.digest(), corruptedPhoto);
        byte[] f = blobs.read(font.digest());
        blobs.write(font.digest(), Arrays.copyOf(f, f.length - 1));
        OriginConfig.Builder b = OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0).accessReport(false)
                .maxCachedBlobBytes(SampleSite.MAX_CACHED);
        boolean streamed = kind.endsWith("streaming");
        if (kind.endsWith("disk-cache")) {
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
            try {
                HttpResponse<byte[]> big = http.get("/" + photo.servedPath());
                assertEquals(streamed ? -1 : 502, big.statusCode(), "status for " + kind);
                assertFalse(Arrays.equals(corruptedPhoto, big.body()));
            } catch (IOException e) {
                assertTrue(streamed, "only a streamed body is cut short: " + e);
            }
            // Ranges of a large local or disk-cached blob are refused too (the file was checked whole first).
            if (!streamed) {
                assertEquals(502, http.get("/" + photo.servedPath(), "Range", "bytes=0-9").statusCode());
            }
            String scrape = server.registry().scrape();
            assertTrue(Metrics.value(scrape, "holdfast_origin_blob_corrupt_total") >= 3, scrape);
            // Every other asset is still served.
            assertEquals(200, http.get("/" + site.r2.asset("js/app.js").servedPath()).statusCode());
        }
    }

    /**
     * A large file is verified once and then kept open; a change made to it in place afterwards (same inode) is
     * noticed at the next check of its version, a second later at most, and it is then verified again.
     */
    @Test
    void aLargeFileChangedInPlaceAfterItWasVerifiedIsVerifiedAgainWithinASecond(@TempDir Path dir) throws Exception {
        FileSystemStore fs = new FileSystemStore(dir.resolve("store"), true);
        SampleSite site = new SampleSite(new TestPublisher(fs));
        Asset photo = site.r2.asset("img/photo.png");
        Path file = fs.file(StoreKeys.blob(photo.digest()));
        byte[] good = Files.readAllBytes(file);
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        OriginConfig config = OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0).accessReport(false)
                .maxCachedBlobBytes(SampleSite.MAX_CACHED).build();
        try (OriginServer server = OriginServer.start(config, fs, clock)) {
            Http http = new Http(server.url());
            assertArrayEquals(good, http.get("/" + photo.servedPath()).body());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {(byte) (good[good.length / 2] ^ 0x55)}), good.length / 2);
            }
            Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
            clock.advance(Duration.ofSeconds(1));
            HttpResponse<byte[]> r = http.get("/" + photo.servedPath());
            assertEquals(502, r.statusCode());
            assertEquals(1, Metrics.value(server.registry().scrape(), "holdfast_origin_blob_corrupt_total"));
        }
    }

    private static byte[] flipAByte(byte[] b) {
        byte[] c = b.clone();
        c[c.length / 2] ^= 0x55;
        return c;
    }

    /** Raw access to stored blobs, behind the store's back (the store itself refuses to write wrong bytes). */
    interface Blobs {
        byte[] read(Digest d) throws IOException;

        void write(Digest d, byte[] bytes) throws IOException;
    }

    record FileBlobs(FileSystemStore fs) implements Blobs {
        public byte[] read(Digest d) throws IOException {
            return Files.readAllBytes(fs.file(StoreKeys.blob(d)));
        }

        public void write(Digest d, byte[] bytes) throws IOException {
            Files.write(fs.file(StoreKeys.blob(d)), bytes);
        }
    }

    record S3Blobs(S3TestServer s3, String bucket) implements Blobs {
        public byte[] read(Digest d) {
            try (var client = s3.client()) {
                return client.getObjectAsBytes(r -> r.bucket(bucket).key("store/" + StoreKeys.blob(d))).asByteArray();
            }
        }

        public void write(Digest d, byte[] bytes) {
            try (var client = s3.client()) {
                client.putObject(r -> r.bucket(bucket).key("store/" + StoreKeys.blob(d)),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
            }
        }
    }
}
