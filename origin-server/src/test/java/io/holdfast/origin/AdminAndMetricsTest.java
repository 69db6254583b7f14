package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.holdfast.error.ErrorKind;
import io.holdfast.store.ForwardingStore;
import io.holdfast.store.ObjectInfo;
import io.holdfast.store.StoreException;
import io.holdfast.store.fs.FileSystemStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Health, readiness, Prometheus metrics and the access log. */
class AdminAndMetricsTest {

    @Test
    void metricsCountRequestsByKindStatusReleaseAndBrokenDeploys(@TempDir Path dir) throws Exception {
        FileSystemStore store = new FileSystemStore(dir, true);
        SampleSite site = new SampleSite(new TestPublisher(store));
        Logger access = (Logger) LoggerFactory.getLogger("holdfast.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        access.setLevel(ch.qos.logback.classic.Level.INFO);
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).build(), store, Clock.systemUTC())) {
            Http http = new Http(server.url());
            Http admin = new Http(server.adminUrl());
            assertEquals("ok\n", new String(admin.get("/healthz").body()));
            HttpResponse<byte[]> ready = admin.get("/readyz");
            assertEquals(200, ready.statusCode());
            assertTrue(new String(ready.body()).contains("release=r2"), new String(ready.body()));

            for (int i = 0; i < 3; i++) {
                assertEquals(200, http.get(site.r1.url("css/app.css")).statusCode());
            }
            assertEquals(200, http.get("/").statusCode());
            assertEquals(404, http.get("/css/app-0123456789ab.css").statusCode());
            assertEquals(404, http.get("/nothing-here.html").statusCode());
            assertEquals(400, http.get("/%2e%2e/x").statusCode());

            HttpResponse<byte[]> m = admin.get("/metrics");
            assertEquals(200, m.statusCode());
            String s = new String(m.body());
            assertEquals(3, Metrics.value(s, "holdfast_origin_requests_seconds_count{kind=\"asset\",status=\"200\"}"), s);
            assertEquals(1, Metrics.value(s, "holdfast_origin_requests_seconds_count{kind=\"entry\",status=\"200\"}"));
            assertEquals(2, Metrics.value(s, "holdfast_origin_requests_seconds_count{kind=\"not_found\",status=\"404\"}"));
            assertEquals(1, Metrics.value(s, "holdfast_origin_requests_seconds_count{kind=\"rejected\",status=\"400\"}"));
            assertTrue(s.contains("holdfast_origin_requests_seconds_bucket"), "latency histogram");
            assertEquals(1, Metrics.value(s, "holdfast_origin_fingerprinted_not_found_total"), "only the fingerprinted-looking 404");
            assertEquals(3, Metrics.value(s, "holdfast_origin_release_hits_total{release=\"r1\"}"));
            assertEquals(1, Metrics.value(s, "holdfast_origin_release_hits_total{release=\"r2\"}"));
            assertTrue(Metrics.value(s, "holdfast_origin_cache_hits_total") >= 2);
            assertTrue(Metrics.value(s, "holdfast_origin_cache_misses_total") >= 1);
            assertTrue(Metrics.value(s, "holdfast_origin_response_bytes_total{kind=\"asset\"}") >= 3 * site.r1.asset("css/app.css").size());
            assertEquals(2, Metrics.value(s, "holdfast_origin_index_releases"));
            assertTrue(s.contains("jvm_memory_used_bytes"));

            // A blob over --max-cached-blob is sent from its file, which stays open for the next request.
            assertEquals(0, Metrics.value(s, "holdfast_origin_open_files"), s);
            for (int i = 0; i < 2; i++) {
                assertEquals(200, http.get(site.r1.url("img/photo.png")).statusCode());
            }
            assertEquals(1, Metrics.value(new String(admin.get("/metrics").body()), "holdfast_origin_open_files"));
        } finally {
            access.detachAppender(lines);
        }
        assertTrue(lines.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("method=GET path=/ status=200")
                && e.getFormattedMessage().contains(" release=r2 ") && e.getFormattedMessage().contains(" kind=entry ")),
                lines.list.toString());
        assertTrue(lines.list.stream().anyMatch(e -> e.getFormattedMessage().contains("status=400")
                && e.getFormattedMessage().contains(" release=- ")));
    }

    @Test
    void notReadyWhileTheStoreCannotBeListed(@TempDir Path dir) throws Exception {
        FileSystemStore fs = new FileSystemStore(dir, true);
        new SampleSite(new TestPublisher(fs));
        Unreachable store = new Unreachable(fs);
        store.down = true;
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).build(), store, Clock.systemUTC())) {
            Http http = new Http(server.url());
            Http admin = new Http(server.adminUrl());
            assertEquals(503, admin.get("/readyz").statusCode());
            assertEquals(200, admin.get("/healthz").statusCode());
            HttpResponse<byte[]> r = http.get("/index.html");
            assertEquals(503, r.statusCode(), "never loaded: cannot tell");
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
            store.down = false;
            server.index().refreshNow();
            assertEquals(200, admin.get("/readyz").statusCode());
            assertEquals(200, http.get("/index.html").statusCode());
            store.down = true;
            server.index().refreshNow();
            assertEquals(503, admin.get("/readyz").statusCode(), "store unreachable at the last refresh");
            assertEquals(200, http.get("/index.html").statusCode(), "but what is loaded is still served");
        }
    }

    /** A store whose listings fail while {@code down}. */
    static final class Unreachable extends ForwardingStore {
        volatile boolean down;

        Unreachable(FileSystemStore delegate) {
            super(delegate);
        }

        @Override
        public void list(String prefix, Consumer<ObjectInfo> sink) {
            if (down) {
                throw new StoreException(ErrorKind.STORE_UNREACHABLE, "store unreachable (test)");
            }
            super.list(prefix, sink);
        }
    }
}
