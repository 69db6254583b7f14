package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.store.fs.FileSystemStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flood of unknown paths cannot become a flood of store requests; a new release is still found at once. */
class MissLookupTest {

    private static OriginServer start(GatedStore store, Duration missInterval) {
        return OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0).accessReport(false)
                .refreshInterval(Duration.ofMinutes(10)).missLookupInterval(missInterval)
                .missWaitTimeout(Duration.ofSeconds(20)).build(), store, Clock.systemUTC());
    }

    @Test
    void concurrentMissesShareOneLookup(@TempDir Path dir) throws Exception {
        GatedStore store = new GatedStore(new FileSystemStore(dir, true));
        new SampleSite(new TestPublisher(store));
        try (OriginServer server = start(store, Duration.ofMillis(1))) {
            Http http = new Http(server.url());
            int before = store.releaseLists.get();
            store.holdLists();
            List<CompletableFuture<HttpResponse<byte[]>>> flood = new ArrayList<>();
            flood.add(async(http, "/js/missing-000000000000.js"));
            // The first miss's lookup is now listing the store, held at the gate.
            assertTrue(store.arrivedAtGate.tryAcquire(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 40; i++) {
                flood.add(async(http, "/js/missing-" + String.format("%012d", i) + ".js"));
            }
            // Every later miss must wait for a lookup that starts after it arrived: exactly one more, shared.
            awaitCounter(server, "holdfast_origin_miss_lookups_total{result=\"coalesced\"}", 39);
            store.releaseLists();
            for (var f : flood) {
                assertEquals(404, f.get(20, TimeUnit.SECONDS).statusCode());
            }
            assertEquals(before + 2, store.releaseLists.get(), "one lookup for the first miss, one shared by the 40 others");
        }
    }

    @Test
    void lookupsAreRateLimited(@TempDir Path dir) throws Exception {
        GatedStore store = new GatedStore(new FileSystemStore(dir, true));
        new SampleSite(new TestPublisher(store));
        long intervalMillis = 200;
        try (OriginServer server = start(store, Duration.ofMillis(intervalMillis))) {
            Http http = new Http(server.url());
            int before = store.releaseLists.get();
            long t0 = System.nanoTime();
            List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
            for (int wave = 0; wave < 10; wave++) {
                List<CompletableFuture<HttpResponse<byte[]>>> w = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    w.add(async(http, "/x/flood-" + wave + "-" + i + "-abcdef123456.js"));
                }
                for (var f : w) {
                    assertEquals(404, f.get(20, TimeUnit.SECONDS).statusCode());
                }
                all.addAll(w);
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int lookups = store.releaseLists.get() - before;
            assertTrue(lookups <= elapsed / intervalMillis + 2,
                    lookups + " lookups for " + all.size() + " misses in " + elapsed + " ms");
            assertTrue(lookups >= 1);
        }
    }

    @Test
    void aReleasePublishedAMomentAgoIsFoundByTheMiss(@TempDir Path dir) throws Exception {
        GatedStore store = new GatedStore(new FileSystemStore(dir, true));
        TestPublisher publisher = new TestPublisher(store);
        new SampleSite(publisher);
        try (OriginServer server = start(store, Duration.ofSeconds(1))) {
            Http http = new Http(server.url());
            // A miss right now starts a lookup; a second, after the release is committed, must see it even though
            // the rate limit delays its lookup.
            assertEquals(404, http.get("/js/app-ffffffffffff.js").statusCode());
            var r3 = publisher.publish("r3", SampleSite.T3, SampleSite.files(3));
            var r = http.get(r3.url("js/app.js"));
            assertEquals(200, r.statusCode());
        }
    }

    private static CompletableFuture<HttpResponse<byte[]>> async(Http http, String path) {
        return http.client().sendAsync(HttpRequest.newBuilder(http.base().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Waits (bounded) until a Prometheus counter reaches a value; the server makes progress on its own threads. */
    static void awaitCounter(OriginServer server, String series, double atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        double v = 0;
        while (System.nanoTime() < deadline) {
            v = Metrics.value(server.registry().scrape(), series);
            if (v >= atLeast) {
                return;
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new AssertionError(series + " = " + v + ", expected at least " + atLeast);
    }
}
