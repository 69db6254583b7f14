package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.origin.TestPublisher.Published;
import io.holdfast.origin.TestPublisher.SiteFile;
import io.holdfast.store.BlobStore;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that try to exhaust the origin: slowloris (hundreds of connections sending their request head a byte at a
 * time), a thousand idle connections, request heads of a megabyte and of thousands of headers, and slow readers
 * that ask for a large file and never read it. Meanwhile another client's requests (a cached asset, an entry point,
 * a large file, a range of it, an unknown path) are each answered within a bound, byte for byte; the attackers'
 * connections are shed within the configured timeouts; heap use stays bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbusiveClientsTest {
    /** A well-behaved client's request must be answered within this, attack or not (a loaded 2-core machine). */
    private static final long PROMPT_MS = 2000;
    private static final Duration PARSE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
    private FileSystemStore store;
    private OriginServer server;
    private SampleSite site;
    private Published video;
    private byte[] videoBytes;
    private int port;

    @BeforeAll
    void start(@TempDir Path dir) {
        store = new FileSystemStore(dir.resolve("store"), true);
        TestPublisher publisher = new TestPublisher(store);
        site = new SampleSite(publisher);
        videoBytes = new byte[24 << 20];
        new Random(3).nextBytes(videoBytes);
        video = publisher.publish("video", SampleSite.T3, List.of(new SiteFile("media/clip.bin", videoBytes, false)));
        server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .maxCachedBlobBytes(SampleSite.MAX_CACHED).cacheBytes(8 << 20).accessReport(false).accessLog(false)
                .requestParseTimeout(PARSE_TIMEOUT).idleTimeout(IDLE_TIMEOUT).ioThreads(2).workerThreads(4).build(),
                store, Clock.systemUTC());
        port = server.url().getPort();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        store.close();
    }

    /** The well-behaved client: each request answered in time and whole. Returns the slowest answer in ms. */
    private long probe(int rounds) throws IOException {
        Asset css = site.r2.asset("css/app.css");
        Asset photo = site.r2.asset("img/photo.png");
        byte[] photoBytes = site.r2.bytes(photo, null);
        long slowest = 0;
        for (int i = 0; i < rounds; i++) {
            String[][] requests = {
                {site.r2.url("css/app.css"), null},
                {"/", null},
                {site.r2.url("img/photo.png"), null},
                {site.r2.url("img/photo.png"), "bytes=1000-1999"},
                {"/no-such-" + i + ".html", null},
            };
            for (String[] r : requests) {
                long t0 = System.nanoTime();
                String req = "GET " + r[0] + " HTTP/1.1\r\nHost: x\r\n" + (r[1] == null ? "" : "Range: " + r[1] + "\r\n")
                        + "Connection: close\r\n\r\n";
                RawHttp.Response got = RawHttp.exchange("127.0.0.1", port, req.getBytes(StandardCharsets.ISO_8859_1), false);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                slowest = Math.max(slowest, ms);
                assertTrue(got != null, r[0] + ": no answer");
                assertTrue(ms < PROMPT_MS, r[0] + " took " + ms + " ms");
                if (r[0].equals(site.r2.url("css/app.css"))) {
                    assertArrayEquals(site.r2.bytes(css, null), got.body());
                } else if (r[1] != null) {
                    assertEquals(206, got.status());
                    assertArrayEquals(Arrays.copyOfRange(photoBytes, 1000, 2000), got.body());
                } else if (r[0].equals(site.r2.url("img/photo.png"))) {
                    assertArrayEquals(photoBytes, got.body());
                } else {
                    assertEquals(r[0].equals("/") ? 200 : 404, got.status(), r[0]);
                }
            }
        }
        return slowest;
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** Waits (bounded by the socket timeout) until the server closes the connection; true if it did. */
    private static boolean closedByServer(Socket s, long timeoutMs) {
        try {
            s.setSoTimeout((int) Math.max(1, timeoutMs));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            while (in.read(buf) >= 0) {
                // an error answer (400, 408, 431) may come first
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    @Test
    void slowlorisIdleConnectionsAndHugeHeadsDoNotStopOtherClients() throws Exception {
        long heapBefore = heapAfterGc();
        long quiet = probe(3);
        List<Socket> slowloris = new ArrayList<>();
        List<Socket> idle = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        ExecutorService floods = Executors.newFixedThreadPool(8);
        AtomicInteger dripped = new AtomicInteger();
        AtomicInteger floodsRefused = new AtomicInteger();
        try {
            for (int i = 0; i < 300; i++) {
                Socket s = connect();
                s.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                slowloris.add(s);
            }
            // One more header byte on every slowloris connection every 100 ms: none ever completes its head.
            drip.scheduleAtFixedRate(() -> {
                for (Socket s : slowloris) {
                    try {
                        s.getOutputStream().write('x');
                        dripped.incrementAndGet();
                    } catch (IOException closed) {
                        // shed by the server: fine
                    }
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 1000; i++) {
                idle.add(connect());
            }
            List<Future<?>> flooding = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                boolean oneHugeLine = i % 2 == 0;
                flooding.add(floods.submit(() -> {
                    try (Socket s = connect()) {
                        s.setSoTimeout(10_000);
                        OutputStream out = s.getOutputStream();
                        out.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        byte[] chunk = (oneHugeLine ? "X-Big: " + "a".repeat(8185) : "X-H: 1\r\n".repeat(1024))
                                .getBytes(StandardCharsets.ISO_8859_1);
                        for (int k = 0; k < 128; k++) { // up to 1 MiB of request head
                            out.write(chunk);
                        }
                        out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        RawHttp.Response r = RawHttp.parse(s.getInputStream().readAllBytes(), false);
                        if (r == null || r.status() == 400 || r.status() == 431) {
                            floodsRefused.incrementAndGet();
                        }
                    } catch (IOException e) {
                        floodsRefused.incrementAndGet(); // cut off mid-send: refused too
                    }
                    return null;
                }));
            }
            long underAttack = probe(8);
            for (Future<?> f : flooding) {
                f.get(30, TimeUnit.SECONDS);
            }
            long heapDuring = heapAfterGc();
            // The server sheds what does not complete a request in time.
            long deadline = System.nanoTime() + PARSE_TIMEOUT.plusSeconds(8).toNanos();
            int shedSlow = 0;
            for (Socket s : slowloris) {
                if (closedByServer(s, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))) {
                    shedSlow++;
                }
            }
            deadline = System.nanoTime() + IDLE_TIMEOUT.plusSeconds(8).toNanos();
            int shedIdle = 0;
            for (Socket s : idle) {
                if (closedByServer(s, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))) {
                    shedIdle++;
                }
            }
            System.out.printf("[figures] abusive clients: slowloris=300 (bytes dripped %d, shed %d) idle=1000 (shed %d)"
                    + " huge_heads=40 (refused %d) probe_slowest_ms quiet=%d under_attack=%d heap_mb before=%d during=%d%n",
                    dripped.get(), shedSlow, shedIdle, floodsRefused.get(), quiet, underAttack, heapBefore >> 20, heapDuring >> 20);
            assertEquals(300, shedSlow, "every slowloris connection is closed within the request timeout");
            assertEquals(1000, shedIdle, "every idle connection is closed within the idle timeout");
            assertEquals(40, floodsRefused.get(), "every oversized request head is refused");
            assertTrue(heapDuring - heapBefore < 64L << 20, "heap grew by " + ((heapDuring - heapBefore) >> 20) + " MiB");
            probe(2);
        } finally {
            drip.shutdownNow();
            floods.shutdownNow();
            for (Socket s : slowloris) {
                s.close();
            }
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    @Test
    void slowReadersOfALargeFileDoNotHoldUpOtherClients() throws Exception {
        String url = video.url("media/clip.bin");
        List<Socket> readers = new ArrayList<>();
        try {
            // Twelve clients (three times the worker threads) ask for 24 MiB, whole or as a range, and never read.
            for (int i = 0; i < 12; i++) {
                Socket s = connect();
                String range = i % 2 == 0 ? "" : "Range: bytes=" + i + "-\r\n";
                s.getOutputStream().write(("GET " + url + " HTTP/1.1\r\nHost: x\r\n" + range + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                readers.add(s);
            }
            long slowest = probe(6);
            // A reader that finally reads gets the exact bytes.
            Socket late = readers.get(0);
            late.setSoTimeout(30_000);
            InputStream in = late.getInputStream();
            byte[] head = new byte[0];
            while (!new String(head, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                head = Arrays.copyOf(head, head.length + 1);
                if (in.read(head, head.length - 1, 1) < 0) {
                    break;
                }
            }
            byte[] body = in.readNBytes(videoBytes.length);
            boolean complete = Arrays.equals(videoBytes, body);
            System.out.printf("[figures] slow readers: 12 x 24 MiB unread; probe slowest %d ms; late reader got %d bytes,"
                    + " exact=%s%n", slowest, body.length, complete);
            assertTrue(new String(head, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            assertTrue(complete || body.length < videoBytes.length, "never different bytes");
        } catch (SocketException e) {
            // a reader cut off by the idle timeout: allowed, the probe above is the point
        } finally {
            for (Socket s : readers) {
                s.close();
            }
        }
    }

    @Test
    void slowReadersOfAStreamedS3BlobHoldAWorkerAtMostTheWriteTimeout(@TempDir Path dir) throws Exception {
        // Without a disk cache, large S3 blobs are streamed with blocking writes on worker threads: a reader that
        // stops reading holds one until the write timeout (--idle-timeout) gives up on it, no longer.
        BlobStore s3 = S3TestServer.shared().freshStore();
        Published clip = new TestPublisher(s3).publish("video", SampleSite.T3, List.of(new SiteFile("media/clip.bin", videoBytes, false)));
        Published small = new TestPublisher(s3).publish("small", SampleSite.T3, List.of(
                new SiteFile("img/photo.png", site.r2.bytes(site.r2.asset("img/photo.png"), null), false)));
        List<Socket> readers = new ArrayList<>();
        try (s3; OriginServer streaming = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .maxCachedBlobBytes(SampleSite.MAX_CACHED).cacheBytes(8 << 20).accessReport(false).accessLog(false)
                .requestParseTimeout(PARSE_TIMEOUT).idleTimeout(IDLE_TIMEOUT).ioThreads(2).workerThreads(4).build(),
                s3, Clock.systemUTC())) {
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket("127.0.0.1", streaming.url().getPort());
                s.getOutputStream().write(("GET " + clip.url("media/clip.bin") + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                readers.add(s);
            }
            long t0 = System.nanoTime();
            RawHttp.Response r = RawHttp.exchange("127.0.0.1", streaming.url().getPort(), ("GET " + small.url("img/photo.png")
                    + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), false);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("[figures] slow readers of a streamed S3 blob: 8 x 24 MiB unread, 4 workers; another client's"
                    + " streamed asset answered in %d ms (write timeout %d ms)%n", ms, IDLE_TIMEOUT.toMillis());
            assertEquals(200, r.status());
            assertArrayEquals(small.bytes(small.asset("img/photo.png"), null), r.body());
            assertTrue(ms < IDLE_TIMEOUT.toMillis() * 2 + 5000, "answered after " + ms + " ms");
        } finally {
            for (Socket s : readers) {
                s.close();
            }
        }
    }
}
