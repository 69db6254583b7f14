package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.S3TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranges of blobs sent from files (the filesystem store, and S3 through the disk cache) carry exactly their
 * Content-Length on a kept-alive connection: the next answer on the connection starts right after them. (They used
 * to carry the rest of a 16 KiB buffer too, which a CDN's connection pool would have read as the next answer.)
 */
class RangeFramingTest {
    @TempDir
    Path dir;

    @Test
    void rangesOfFilesOnTheFilesystemStore() throws Exception {
        check(new FileSystemStore(dir.resolve("store"), true), OriginConfig.builder());
    }

    @Test
    void rangesOfFilesOfTheS3DiskCache() throws Exception {
        check(S3TestServer.shared().freshStore(), OriginConfig.builder().diskCacheDir(Optional.of(dir.resolve("cache"))));
    }

    private void check(BlobStore store, OriginConfig.Builder config) throws Exception {
        SampleSite site = new SampleSite(new TestPublisher(store));
        Asset photo = site.r2.asset("img/photo.png");
        byte[] bytes = site.r2.bytes(photo, null);
        String url = site.r2.url("img/photo.png");
        try (store; OriginServer server = OriginServer.start(config.bind("127.0.0.1").port(0).adminPort(0)
                .maxCachedBlobBytes(SampleSite.MAX_CACHED).cacheBytes(8 << 20).accessReport(false)
                .refreshInterval(Duration.ofMinutes(10)).build(), store, Clock.systemUTC());
             Socket s = new Socket("127.0.0.1", server.url().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            int[][] ranges = {{0, 9}, {100, 199}, {20_000, 20_009}, {0, 40_000}, {bytes.length - 10, bytes.length - 1}};
            for (int[] r : ranges) {
                out.write(("GET " + url + " HTTP/1.1\r\nHost: x\r\nRange: bytes=" + r[0] + "-" + r[1] + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 206 "), "answer to bytes=" + r[0] + "-" + r[1] + " starts where the"
                        + " previous one ended: " + head.lines().findFirst().orElse(""));
                int length = Integer.parseInt(header(head, "Content-Length"));
                assertEquals(r[1] - r[0] + 1, length);
                assertArrayEquals(Arrays.copyOfRange(bytes, r[0], r[1] + 1), in.readNBytes(length));
            }
            // One whole answer after the ranges, on the same connection.
            out.write(("GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertTrue(readHead(in).startsWith("HTTP/1.1 200 "));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (n > 16_384) {
                throw new IOException("no end of head in " + n + " bytes: the previous answer overran its length");
            }
        }
    }

    private static String header(String head, String name) {
        return head.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1)).findFirst()
                .map(l -> l.substring(name.length() + 1).trim()).orElseThrow(() -> new AssertionError("no " + name + " in " + head));
    }
}
