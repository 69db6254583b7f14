package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.origin.TestPublisher.Published;
import io.holdfast.store.RetryingStore;
import io.holdfast.store.s3.S3Store;
import io.holdfast.testing.FaultyS3Proxy;
import io.holdfast.testing.FaultyS3Proxy.Fault;
import io.holdfast.testing.FaultyS3Proxy.On;
import io.holdfast.testing.S3TestServer;
import io.holdfast.testing.Seeds;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The origin in front of a failing S3 server (the in-process S3 server behind {@link FaultyS3Proxy}): what it has
 * cached it keeps serving; what it cannot fetch is a 503 (retry elsewhere), never a 404 a CDN would keep; failed
 * index refreshes keep every known release; once the store is back, everything is served again, including a
 * release committed during the outage.
 */
class OriginStorageFaultsTest {

    /** Polls a condition that the origin's own refresh thread makes true, within a bound. */
    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            TimeUnit.MILLISECONDS.sleep(20); // polling an observable state, not ordering threads
        }
    }

    private static String scrape(Http http, OriginServer server) {
        try {
            return new String(http.send("GET", server.adminUrl().resolve("/metrics").toString()).body(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anOutageServesTheCacheAnswers503AndKeepsEveryRelease() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.createBucket();
        SampleSite site = publishedDirectly(s3, bucket);
        try (FaultyS3Proxy proxy = FaultyS3Proxy.start(s3.endpoint());
             S3Store viaProxy = proxy.open(proxy.config(s3, bucket, "store/"), Duration.ofMillis(1500));
             OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                     .maxCachedBlobBytes(SampleSite.MAX_CACHED).cacheBytes(8 << 20).accessReport(false).accessLog(false)
                     .refreshInterval(Duration.ofMillis(100)).missLookupInterval(Duration.ofMillis(1)).build(),
                     new RetryingStore(viaProxy, FaultyS3Proxy.fastRetries(3)), Clock.systemUTC())) {
            Http http = new Http(server.url());
            Published r1 = site.r1;
            Published r2 = site.r2;
            Asset css = r2.asset("css/app.css");
            Asset photo = r2.asset("img/photo.png");
            // Warm: the stylesheet and the page are cached in memory; the photo (large) is streamed every time.
            assertArrayEquals(r2.bytes(css, null), http.get(r2.url("css/app.css")).body());
            assertEquals(200, http.get("/").statusCode());
            assertEquals(200, http.get(r2.url("img/photo.png")).statusCode());

            // Outage: every request to the store is reset.
            proxy.always(On.any(), Fault.RESET);
            double failedBefore = Metrics.value(scrape(http, server), "holdfast_origin_index_refreshes_total{result=\"error\"}");
            awaitTrue("failed refreshes", () -> Metrics.value(scrape(http, server),
                    "holdfast_origin_index_refreshes_total{result=\"error\"}") >= failedBefore + 3);
            assertEquals(2, server.index().snapshot().releases().size(), "failed refreshes keep every known release");
            assertEquals(503, http.send("GET", server.adminUrl().resolve("/readyz").toString()).statusCode());

            HttpResponse<byte[]> cached = http.get(r2.url("css/app.css"));
            assertEquals(200, cached.statusCode(), "what is cached is still served");
            assertArrayEquals(r2.bytes(css, null), cached.body());
            assertEquals(200, http.get("/").statusCode());
            Map<String, Integer> during = new TreeMap<>();
            for (String path : List.of(r2.url("img/photo.png"), r1.url("js/app.js"), "/_releases/r1/",
                    "/css/app-0123456789ab.css", "/new-page.html")) {
                HttpResponse<byte[]> r = http.get(path);
                during.put(path, r.statusCode());
                assertNotEquals(404, r.statusCode(), path + ": a CDN would keep a 404");
                if (r.statusCode() != 200) {
                    assertEquals(503, r.statusCode(), path);
                    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null), path);
                    assertTrue(r.headers().firstValue("Retry-After").isPresent(), path);
                }
            }
            assertEquals(503, during.get(r2.url("img/photo.png")), "a blob that cannot be fetched");
            assertEquals(503, during.get("/css/app-0123456789ab.css"), "a path the origin cannot look up");

            // A release is committed during the outage (straight to the server): found once the store is back.
            Published r3;
            try (S3Store direct = S3Store.open(s3.settings(s3.config(bucket, "store/")), true)) {
                r3 = new TestPublisher(direct).publish("r3", SampleSite.T3, SampleSite.files(3));
            }
            proxy.heal();
            awaitTrue("ready again", () -> server.ready());
            for (Published p : List.of(r1, r2, r3)) {
                for (Asset a : p.manifest().assets()) {
                    HttpResponse<byte[]> r = http.get("/_releases/" + p.id() + "/" + a.servedPath());
                    assertEquals(200, r.statusCode(), p.id() + " " + a.servedPath());
                    assertArrayEquals(p.bytes(a, null), r.body());
                }
            }
            System.out.println("[figures] origin outage: during " + during + "; store requests " + proxy.log().size()
                    + ", faults " + proxy.faults());
        }
    }

    @Test
    void aFlakyStoreNeverTurnsAKnownAssetInto404OrWrongBytes() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String bucket = s3.createBucket();
        SampleSite site = publishedDirectly(s3, bucket);
        long seed = Seeds.seed("OriginStorageFaultsTest.flaky");
        int rounds = Seeds.iterations(4);
        try (FaultyS3Proxy proxy = FaultyS3Proxy.start(s3.endpoint()).delay(Duration.ofMillis(1800));
             S3Store viaProxy = proxy.open(proxy.config(s3, bucket, "store/"), Duration.ofMillis(1500));
             OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                     .maxCachedBlobBytes(SampleSite.MAX_CACHED).cacheBytes(8 << 20).accessReport(false).accessLog(false)
                     .refreshInterval(Duration.ofMillis(100)).missLookupInterval(Duration.ofMillis(1)).build(),
                     new RetryingStore(viaProxy, FaultyS3Proxy.fastRetries(2)), Clock.systemUTC())) {
            proxy.random(seed, 0.35, List.of(Fault.INTERNAL_ERROR, Fault.SLOW_DOWN, Fault.RESET, Fault.LOSE_RESPONSE,
                    Fault.CUT_BODY, Fault.DELAY), On.any());
            Http http = new Http(server.url());
            Map<Integer, Integer> statuses = new TreeMap<>();
            int requests = 0;
            for (int round = 0; round < rounds; round++) {
                for (Published p : List.of(site.r1, site.r2)) {
                    for (Asset a : p.manifest().assets()) {
                        for (String path : List.of("/_releases/" + p.id() + "/" + a.servedPath(), "/" + a.servedPath())) {
                            if (a.entryPoint() && !path.startsWith("/_")) {
                                continue;
                            }
                            int status;
                            byte[] body;
                            try {
                                HttpResponse<byte[]> r = http.get(path);
                                status = r.statusCode();
                                body = r.body();
                            } catch (java.io.IOException e) {
                                status = -1; // a streamed body cut short: the client sees a failed download
                                body = null;
                            }
                            requests++;
                            statuses.merge(status, 1, Integer::sum);
                            String context = "seed " + seed + " (replay: -Dholdfast.seed=" + seed + ") " + path;
                            assertTrue(status == 200 || status == 503 || status == -1, context + " -> " + status);
                            if (status == 200) {
                                byte[] expected = path.startsWith("/_releases/") ? p.bytes(a, null)
                                        : ownerBytes(site, a);
                                assertArrayEquals(expected, body, context);
                            }
                        }
                    }
                }
            }
            System.out.println("[figures] origin on a flaky store (35% of store requests failing): seed=" + seed
                    + " requests=" + requests + " statuses=" + statuses + " store_requests=" + proxy.log().size()
                    + " faults=" + proxy.faults());
        }
    }

    /** The bytes a fingerprinted path serves: shared paths belong to the oldest release, with the same bytes. */
    private static byte[] ownerBytes(SampleSite site, Asset a) {
        return site.r1.manifest().assets().contains(a) ? site.r1.bytes(a, null) : site.r2.bytes(a, null);
    }

    /** The sample site published straight to the server, before any fault is injected. */
    private static SampleSite publishedDirectly(S3TestServer s3, String bucket) {
        try (S3Store direct = S3Store.open(s3.settings(s3.config(bucket, "store/")), true)) {
            return new SampleSite(new TestPublisher(direct));
        }
    }
}
