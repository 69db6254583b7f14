package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.origin.HttpOracle.Expected;
import io.holdfast.origin.HttpOracle.Request;
import io.holdfast.store.BlobStore;
import io.holdfast.testing.Seeds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever the request (see {@link HostileRequests}), over a real socket, the origin never answers 5xx,
 * answers exactly the status docs/HTTP.md calls for (computed by {@link HttpOracle}), and every body byte of a 2xx
 * answer is the exact content of a stored representation (or of the requested range of it); error answers are
 * short plain text. Seeded: the seed is printed, {@code -Dholdfast.seed=N} replays it, {@code
 * -Dholdfast.iterations=N} sets the number of requests. Subclasses run it on each kind of store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostileRequestPropertyTest {
    private static final int THREADS = 2;
    private static final int MAX_REPORTED = 15;

    private BlobStore store;
    private OriginServer server;
    private SampleSite site;
    private HttpOracle oracle;
    /** Answers by status, over the worker threads of one run. */
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

    abstract BlobStore openStore(Path dir);

    /** Requests per run when {@code holdfast.iterations} is not set. */
    abstract int defaultIterations();

    @BeforeAll
    void start(@TempDir Path dir) {
        store = openStore(dir.resolve("store"));
        site = new SampleSite(new TestPublisher(store));
        server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .maxCachedBlobBytes(SampleSite.MAX_CACHED).cacheBytes(8 << 20).accessReport(false).accessLog(false)
                .refreshInterval(Duration.ofMinutes(10)).missLookupInterval(Duration.ofMillis(1))
                .ioThreads(2).workerThreads(4).build(), store, Clock.systemUTC());
        oracle = new HttpOracle(List.of(site.r1, site.r2), Map.of("production", "r2", "staging", "r1"), "production");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void hostileRequestsGetExactlyTheDocumentedAnswerAndOnlyStoredBytes() throws Exception {
        long seed = Seeds.seed(getClass().getSimpleName());
        int total = Seeds.iterations(defaultIterations());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        statuses.clear();
        AtomicInteger requests = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < THREADS; w++) {
                long workerSeed = seed + w;
                int share = total / THREADS + (w < total % THREADS ? 1 : 0);
                workers.add(pool.submit(() -> {
                    HostileRequests generator = new HostileRequests(new Random(workerSeed), List.of(site.r1, site.r2));
                    for (int i = 0; i < share && failures.size() < MAX_REPORTED; i++) {
                        Request r = generator.next();
                        String problem = check(r);
                        requests.incrementAndGet();
                        if (problem != null) {
                            failures.add("seed " + seed + " worker " + (workerSeed - seed) + " request " + i + ": "
                                    + describe(r) + "\n    " + problem);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<Integer, Integer> byStatus = new TreeMap<>();
        statuses.forEach((k, v) -> byStatus.put(k, v.get()));
        System.out.printf("[figures] %s: seed=%d requests=%d seconds=%.1f statuses=%s%n", getClass().getSimpleName(), seed,
                requests.get(), seconds, byStatus);
        assertEquals(List.of(), failures, "replay with -Dholdfast.seed=" + seed);
        assertTrue(byStatus.keySet().containsAll(List.of(200, 206, 304, 400, 404, 405, 412, 416)),
                "the generator reaches every kind of answer: " + byStatus);
    }

    private String check(Request r) {
        Expected e = oracle.expect(r);
        RawHttp.Response got;
        try {
            got = RawHttp.exchange("127.0.0.1", server.url().getPort(), bytes(r), r.method().equals("HEAD"));
        } catch (IOException ex) {
            return "I/O error: " + ex;
        }
        if (got == null) {
            return e.status() == 400 ? null : "no answer; expected " + e.status() + " (" + e.why() + ")";
        }
        count(got.status());
        if (got.status() >= 500) {
            return "5xx: " + got;
        }
        if (got.status() == 400 && e.or400()) {
            return checkError(got);
        }
        if (got.status() != e.status()) {
            return "status " + got.status() + ", expected " + e.status() + " (" + e.why() + "); " + got;
        }
        return switch (got.status()) {
            case 200, 206 -> checkAsset(r, e, got);
            case 304 -> got.body().length == 0 && e.rep().etag().equals(got.header("etag")) ? null : "bad 304: " + got;
            case 416 -> ("bytes */" + e.rep().bytes().length).equals(got.header("content-range")) && got.body().length == 0
                    ? null : "bad 416: " + got;
            case 204 -> got.body().length == 0 ? null : "204 with a body";
            default -> checkError(got);
        };
    }

    private void count(int status) {
        statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
    }

    private static String checkAsset(Request r, Expected e, RawHttp.Response got) {
        byte[] whole = e.rep().bytes();
        byte[] expected = got.status() == 206 ? Arrays.copyOfRange(whole, (int) e.first(), (int) e.last() + 1) : whole;
        if (!String.valueOf(expected.length).equals(got.header("content-length"))) {
            return "Content-Length " + got.header("content-length") + ", expected " + expected.length;
        }
        if (!e.rep().etag().equals(got.header("etag"))) {
            return "ETag " + got.header("etag") + ", expected " + e.rep().etag() + " (" + e.rep().encoding() + ")";
        }
        if (!java.util.Objects.equals(e.rep().encoding(), got.header("content-encoding"))) {
            return "Content-Encoding " + got.header("content-encoding") + ", expected " + e.rep().encoding();
        }
        if (!e.target().cacheControl().equals(got.header("cache-control"))) {
            return "Cache-Control " + got.header("cache-control") + ", expected " + e.target().cacheControl();
        }
        if (got.status() == 206 && !("bytes " + e.first() + "-" + e.last() + "/" + whole.length).equals(got.header("content-range"))) {
            return "Content-Range " + got.header("content-range") + ", expected bytes " + e.first() + "-" + e.last() + "/" + whole.length;
        }
        if (r.method().equals("HEAD")) {
            return got.body().length == 0 ? null : "HEAD with a body of " + got.body().length + " bytes";
        }
        if (!Arrays.equals(expected, got.body())) {
            return "body of " + got.body().length + " bytes differs from the " + expected.length + " expected bytes of "
                    + (e.rep().encoding() == null ? "identity" : e.rep().encoding()) + " " + e.rep().etag();
        }
        return null;
    }

    private static String checkError(RawHttp.Response got) {
        String type = got.header("content-type");
        if (got.body().length > 512) {
            return "error answer with a body of " + got.body().length + " bytes";
        }
        if (got.body().length > 0 && (type == null || !type.startsWith("text/plain"))) {
            return "error answer of type " + type;
        }
        return null;
    }

    static byte[] bytes(Request r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((r.method() + " ").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(r.target());
        StringBuilder head = new StringBuilder(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String[] h : r.headers()) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static String describe(Request r) {
        StringBuilder s = new StringBuilder(r.method()).append(' ');
        String target = new String(r.target(), StandardCharsets.UTF_8);
        s.append(target.length() > 120 ? target.substring(0, 120) + "…(" + target.length() + ")" : target);
        for (String[] h : r.headers()) {
            String v = h[1].length() > 80 ? h[1].substring(0, 80) + "…" : h[1];
            s.append(" | ").append(h[0]).append(": ").append(v);
        }
        return s.toString();
    }
}
