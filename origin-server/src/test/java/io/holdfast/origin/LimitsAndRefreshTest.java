package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.store.fs.FileSystemStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow or oversized requests are cut off; a promote is seen by the periodic refresh alone. */
class LimitsAndRefreshTest {

    @Test
    void slowAndOversizedRequestsAreCutOff(@TempDir Path dir) throws Exception {
        FileSystemStore store = new FileSystemStore(dir, true);
        new SampleSite(new TestPublisher(store));
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).requestParseTimeout(Duration.ofMillis(300)).idleTimeout(Duration.ofMillis(500))
                .maxHeaderSize(4096).build(), store, Clock.systemUTC())) {
            int port = server.url().getPort();
            // A request head that never completes: the connection is closed by the server.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("GET /index.html HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                long t0 = System.nanoTime();
                InputStream in = s.getInputStream();
                byte[] rest = in.readAllBytes(); // returns when the server closes
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(waited < 5000, "closed after " + waited + " ms");
                assertTrue(rest.length == 0 || new String(rest, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 408"),
                        new String(rest, StandardCharsets.ISO_8859_1));
            }
            // An idle keep-alive connection is closed too.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
            // Headers beyond the limit are refused.
            Http http = new Http(server.url());
            String big = "GET /index.html HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8000) + "\r\nConnection: close\r\n\r\n";
            int status = http.rawStatusBytes(big.getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(status == 400 || status == 431 || status == -1, "status " + status);
            assertEquals(200, http.rawStatus("/index.html"));
        }
    }

    @Test
    void aPromoteIsServedAfterOneRefreshInterval(@TempDir Path dir) throws Exception {
        FileSystemStore store = new FileSystemStore(dir, true);
        TestPublisher publisher = new TestPublisher(store);
        SampleSite site = new SampleSite(publisher);
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).refreshInterval(Duration.ofMillis(50)).build(), store, Clock.systemUTC())) {
            Http http = new Http(server.url());
            assertEquals("r2", http.get("/").headers().firstValue("X-Holdfast-Release").orElse(null));
            publisher.promote("production", "r1", SampleSite.T3); // a rollback
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String release = null;
            while (System.nanoTime() < deadline) {
                release = http.get("/").headers().firstValue("X-Holdfast-Release").orElse(null);
                if ("r1".equals(release)) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertEquals("r1", release, "rollback seen without a restart or a miss");
            assertEquals(site.r1.etag("index.html", null), http.get("/").headers().firstValue("ETag").orElse(null));
        }
    }
}
