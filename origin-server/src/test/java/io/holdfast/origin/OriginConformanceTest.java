package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.ChannelName;
import io.holdfast.origin.TestPublisher.Published;
import io.holdfast.store.BlobStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP conformance table: request → expected status and headers, over real sockets, for every behaviour of
 * docs/HTTP.md; plus byte-for-byte bodies of every asset of two releases in every encoding. Subclasses run it on
 * each kind of store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OriginConformanceTest {
    static final String ABSENT = "<absent>";
    static final String PRESENT = "<present>";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String BR_GZIP = "gzip, deflate, br";

    Path tmp;
    BlobStore store;
    OriginServer server;
    Http http;
    SampleSite site;
    Published r1;
    Published r2;

    /** The store under test, holding nothing yet. */
    abstract BlobStore openStore(Path dir);

    /** Per-backend settings on top of the common test settings. */
    OriginConfig.Builder configure(OriginConfig.Builder b) {
        return b;
    }

    @BeforeAll
    void start(@TempDir Path dir) {
        tmp = dir;
        store = openStore(tmp.resolve("store"));
        site = new SampleSite(new TestPublisher(store));
        r1 = site.r1;
        r2 = site.r2;
        OriginConfig config = configure(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .maxCachedBlobBytes(SampleSite.MAX_CACHED).cacheBytes(8 << 20).accessReport(false)
                .refreshInterval(Duration.ofMinutes(10)).missLookupInterval(Duration.ofMillis(1))
                .ioThreads(2).workerThreads(4)).build();
        server = OriginServer.start(config, store, Clock.systemUTC());
        http = new Http(server.url());
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

    /** One row of the table. */
    record Case(String name, String method, String path, Map<String, String> request, int status,
                Map<String, String> expect, byte[] body) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Fluent row builder. */
    static final class Row {
        private final String name;
        private String method = "GET";
        private String path;
        private final Map<String, String> request = new LinkedHashMap<>();
        private int status;
        private final Map<String, String> expect = new LinkedHashMap<>();
        private byte[] body;

        Row(String name) {
            this.name = name;
        }

        Row get(String p) {
            path = p;
            return this;
        }

        Row method(String m, String p) {
            method = m;
            path = p;
            return this;
        }

        Row h(String name, String value) {
            request.put(name, value);
            return this;
        }

        Row status(int s) {
            status = s;
            return this;
        }

        Row e(String name, String value) {
            expect.put(name, value);
            return this;
        }

        Row body(byte[] b) {
            body = b;
            return this;
        }

        Case done() {
            return new Case(name, method, path, Map.copyOf(request), status, Map.copyOf(expect), body);
        }
    }

    static Row row(String name) {
        return new Row(name);
    }

    Stream<Case> table() {
        String css = r2.url("css/app.css");
        Asset cssAsset = r2.asset("css/app.css");
        long cssSize = cssAsset.size();
        long brSize = cssAsset.variants().get("br").size();
        String font = r2.url("fonts/sans.woff2");
        String lm2 = "Sat, 02 Mar 2024 10:00:00 GMT";
        String lm1 = "Fri, 01 Mar 2024 10:00:00 GMT";
        String idEtag = r2.etag("css/app.css", null);
        String brEtag = r2.etag("css/app.css", "br");
        String gzEtag = r2.etag("css/app.css", "gzip");
        byte[] cssBytes = r2.bytes(cssAsset, null);
        List<Case> t = new ArrayList<>();

        // Fingerprinted assets: headers, negotiation.
        t.add(row("fingerprinted asset, identity").get(css).status(200)
                .e("Content-Type", "text/css; charset=utf-8").e("Cache-Control", IMMUTABLE).e("ETag", idEtag)
                .e("Last-Modified", lm2).e("Content-Length", Long.toString(cssSize)).e("X-Content-Type-Options", "nosniff")
                .e("Vary", "Accept-Encoding").e("Content-Encoding", ABSENT).e("Accept-Ranges", "bytes")
                .e("Access-Control-Allow-Origin", "*").e("X-Holdfast-Release", ABSENT).body(cssBytes).done());
        t.add(row("br preferred among gzip, deflate, br").get(css).h("Accept-Encoding", BR_GZIP).status(200)
                .e("Content-Encoding", "br").e("ETag", brEtag).e("Content-Length", Long.toString(brSize))
                .e("Vary", "Accept-Encoding").e("Content-Type", "text/css; charset=utf-8")
                .body(r2.bytes(cssAsset, "br")).done());
        t.add(row("gzip only").get(css).h("Accept-Encoding", "gzip").status(200).e("Content-Encoding", "gzip")
                .e("ETag", gzEtag).body(r2.bytes(cssAsset, "gzip")).done());
        t.add(row("q-values: gzip 0.8 beats br 0.5").get(css).h("Accept-Encoding", "br;q=0.5, gzip;q=0.8").status(200)
                .e("Content-Encoding", "gzip").done());
        t.add(row("q-values: spaces and case").get(css).h("Accept-Encoding", "GZIP ; Q=0.2 ,BR;q=0.9").status(200)
                .e("Content-Encoding", "br").done());
        t.add(row("identity asked").get(css).h("Accept-Encoding", "identity").status(200).e("Content-Encoding", ABSENT)
                .e("ETag", idEtag).e("Vary", "Accept-Encoding").done());
        t.add(row("star means br").get(css).h("Accept-Encoding", "*").status(200).e("Content-Encoding", "br").done());
        t.add(row("codings refused, identity kept").get(css).h("Accept-Encoding", "gzip;q=0, br;q=0").status(200)
                .e("Content-Encoding", ABSENT).done());
        t.add(row("identity;q=0 with variants: br").get(css).h("Accept-Encoding", "br, identity;q=0").status(200)
                .e("Content-Encoding", "br").done());
        t.add(row("unknown coding only: identity").get(css).h("Accept-Encoding", "zstd").status(200)
                .e("Content-Encoding", ABSENT).done());
        t.add(row("no variants: no Vary").get(font).h("Accept-Encoding", BR_GZIP).status(200)
                .e("Content-Type", "font/woff2").e("Vary", ABSENT).e("Content-Encoding", ABSENT)
                .e("Access-Control-Allow-Origin", "*").e("Cache-Control", IMMUTABLE).done());
        t.add(row("identity;q=0 without variants: 406").get(font).h("Accept-Encoding", "identity;q=0").status(406)
                .e("Cache-Control", "no-store").done());
        t.add(row("*;q=0 without variants: 406").get(font).h("Accept-Encoding", "*;q=0").status(406).done());
        t.add(row("*;q=0 but identity named: 200").get(font).h("Accept-Encoding", "*;q=0, identity").status(200).done());
        t.add(row("HEAD: headers of GET, no body").method("HEAD", css).h("Accept-Encoding", BR_GZIP).status(200)
                .e("Content-Length", Long.toString(brSize)).e("Content-Encoding", "br").e("ETag", brEtag)
                .e("Cache-Control", IMMUTABLE).body(new byte[0]).done());
        t.add(row("query string ignored").get(css + "?v=3").status(200).e("ETag", idEtag).done());

        // Conditional requests (RFC 9110 §13.2.2 order).
        t.add(row("If-None-Match match: 304").get(css).h("If-None-Match", idEtag).status(304).e("ETag", idEtag)
                .e("Cache-Control", IMMUTABLE).e("Vary", "Accept-Encoding").e("Last-Modified", lm2)
                .e("Content-Type", ABSENT).e("Content-Length", ABSENT).body(new byte[0]).done());
        t.add(row("If-None-Match of the br variant, br asked: 304").get(css).h("Accept-Encoding", "br")
                .h("If-None-Match", brEtag).status(304).e("ETag", brEtag).done());
        t.add(row("If-None-Match of another variant: 200").get(css).h("Accept-Encoding", "gzip")
                .h("If-None-Match", brEtag).status(200).e("ETag", gzEtag).done());
        t.add(row("If-None-Match weak form matches").get(css).h("If-None-Match", "W/" + idEtag).status(304).done());
        t.add(row("If-None-Match list").get(css).h("If-None-Match", "\"x\", " + idEtag).status(304).done());
        t.add(row("If-None-Match *").get(css).h("If-None-Match", "*").status(304).done());
        t.add(row("If-None-Match other wins over If-Modified-Since").get(css).h("If-None-Match", "\"other\"")
                .h("If-Modified-Since", lm2).status(200).done());
        t.add(row("If-Modified-Since equal: 304").get(css).h("If-Modified-Since", lm2).status(304).done());
        t.add(row("If-Modified-Since later: 304").get(css).h("If-Modified-Since", "Sun, 03 Mar 2024 10:00:00 GMT").status(304).done());
        t.add(row("If-Modified-Since RFC 850 form").get(css).h("If-Modified-Since", "Saturday, 02-Mar-24 10:00:00 GMT").status(304).done());
        t.add(row("If-Modified-Since asctime form").get(css).h("If-Modified-Since", "Sat Mar  2 10:00:00 2024").status(304).done());
        t.add(row("If-Modified-Since earlier: 200").get(css).h("If-Modified-Since", lm1).status(200).done());
        t.add(row("If-Modified-Since invalid: ignored").get(css).h("If-Modified-Since", "yesterday").status(200).done());
        t.add(row("If-Match match: 200").get(css).h("If-Match", idEtag).status(200).done());
        t.add(row("If-Match *: 200").get(css).h("If-Match", "*").status(200).done());
        t.add(row("If-Match mismatch: 412").get(css).h("If-Match", "\"nope\"").status(412).e("Content-Length", "0").done());
        t.add(row("If-Match weak never matches: 412").get(css).h("If-Match", "W/" + idEtag).status(412).done());
        t.add(row("If-Match fails before If-None-Match: 412").get(css).h("If-Match", "\"nope\"")
                .h("If-None-Match", idEtag).status(412).done());
        t.add(row("If-Unmodified-Since earlier: 412").get(css).h("If-Unmodified-Since", lm1).status(412).done());
        t.add(row("If-Unmodified-Since equal: 200").get(css).h("If-Unmodified-Since", lm2).status(200).done());
        t.add(row("If-Unmodified-Since ignored when If-Match present").get(css).h("If-Match", idEtag)
                .h("If-Unmodified-Since", lm1).status(200).done());
        t.add(row("If-Unmodified-Since invalid: ignored").get(css).h("If-Unmodified-Since", "soon").status(200).done());

        // Ranges.
        t.add(row("range first 100 bytes").get(css).h("Range", "bytes=0-99").status(206)
                .e("Content-Range", "bytes 0-99/" + cssSize).e("Content-Length", "100").e("ETag", idEtag)
                .body(Arrays.copyOfRange(cssBytes, 0, 100)).done());
        t.add(row("range suffix").get(css).h("Range", "bytes=-10").status(206)
                .e("Content-Range", "bytes " + (cssSize - 10) + "-" + (cssSize - 1) + "/" + cssSize)
                .body(Arrays.copyOfRange(cssBytes, (int) cssSize - 10, (int) cssSize)).done());
        t.add(row("range open end").get(css).h("Range", "bytes=100-").status(206)
                .e("Content-Range", "bytes 100-" + (cssSize - 1) + "/" + cssSize)
                .body(Arrays.copyOfRange(cssBytes, 100, (int) cssSize)).done());
        t.add(row("range end beyond size is clamped").get(css).h("Range", "bytes=10-999999").status(206)
                .e("Content-Range", "bytes 10-" + (cssSize - 1) + "/" + cssSize).done());
        t.add(row("range past the end: 416").get(css).h("Range", "bytes=" + cssSize + "-").status(416)
                .e("Content-Range", "bytes */" + cssSize).done());
        t.add(row("range bytes=-0: 416").get(css).h("Range", "bytes=-0").status(416).done());
        t.add(row("several ranges: whole 200").get(css).h("Range", "bytes=0-1,5-6").status(200)
                .e("Content-Range", ABSENT).e("Content-Length", Long.toString(cssSize)).done());
        t.add(row("other unit: ignored").get(css).h("Range", "items=0-1").status(200).done());
        t.add(row("malformed range: ignored").get(css).h("Range", "bytes=5-2").status(200).done());
        t.add(row("If-Range etag match: 206").get(css).h("Range", "bytes=0-9").h("If-Range", idEtag).status(206).done());
        t.add(row("If-Range etag mismatch: 200").get(css).h("Range", "bytes=0-9").h("If-Range", "\"old\"").status(200)
                .e("Content-Length", Long.toString(cssSize)).done());
        t.add(row("If-Range weak: 200").get(css).h("Range", "bytes=0-9").h("If-Range", "W/" + idEtag).status(200).done());
        t.add(row("If-Range date match: 206").get(css).h("Range", "bytes=0-9").h("If-Range", lm2).status(206).done());
        t.add(row("If-Range older date: 200").get(css).h("Range", "bytes=0-9").h("If-Range", lm1).status(200).done());
        t.add(row("range of the br variant").get(css).h("Accept-Encoding", "br").h("Range", "bytes=0-4").status(206)
                .e("Content-Encoding", "br").e("Content-Range", "bytes 0-4/" + brSize)
                .body(Arrays.copyOfRange(r2.bytes(cssAsset, "br"), 0, 5)).done());
        t.add(row("HEAD ignores Range").method("HEAD", css).h("Range", "bytes=0-9").status(200)
                .e("Content-Length", Long.toString(cssSize)).done());
        Asset photo = r2.asset("img/photo.png");
        byte[] photoBytes = r2.bytes(photo, null);
        t.add(row("range of a large (uncached) blob").get(r2.url("img/photo.png")).h("Range", "bytes=100000-100099")
                .status(206).e("Content-Range", "bytes 100000-100099/" + photo.size())
                .body(Arrays.copyOfRange(photoBytes, 100000, 100100)).done());

        // Entry points, previews, manifests.
        t.add(row("entry point /").get("/").status(200).e("Content-Type", "text/html; charset=utf-8")
                .e("Cache-Control", "no-cache").e("ETag", r2.etag("index.html", null)).e("Last-Modified", lm2)
                .e("X-Holdfast-Release", "r2").e("X-Content-Type-Options", "nosniff")
                .body(r2.bytes(r2.asset("index.html"), null)).done());
        t.add(row("entry point /index.html").get("/index.html").status(200).e("Cache-Control", "no-cache")
                .e("ETag", r2.etag("index.html", null)).done());
        t.add(row("entry point directory index").get("/docs/").status(200).e("ETag", r2.etag("docs/index.html", null)).done());
        t.add(row("entry point revalidation: 304").get("/").h("If-None-Match", r2.etag("index.html", null)).status(304)
                .e("Cache-Control", "no-cache").done());
        t.add(row("entry point of an older release: 304 no more").get("/").h("If-None-Match", r1.etag("index.html", null))
                .status(200).done());
        t.add(row("robots.txt").get("/robots.txt").status(200).e("Content-Type", "text/plain; charset=utf-8")
                .e("Cache-Control", "no-cache").done());
        t.add(row("release preview /_releases/r1/").get("/_releases/r1/").status(200).e("X-Holdfast-Release", "r1")
                .e("Cache-Control", "no-cache").e("ETag", r1.etag("index.html", null)).e("Last-Modified", lm1)
                .body(r1.bytes(r1.asset("index.html"), null)).done());
        t.add(row("release preview of a fingerprinted asset").get("/_releases/r1" + r1.url("css/app.css")).status(200)
                .e("Cache-Control", IMMUTABLE).e("ETag", r1.etag("css/app.css", null)).done());
        t.add(row("release preview, unknown release").get("/_releases/nope/").status(404).e("Cache-Control", "no-store").done());
        t.add(row("release preview, unknown path").get("/_releases/r1/missing.html").status(404).done());
        t.add(row("release preview without slash").get("/_releases/r1").status(404).done());
        t.add(row("release manifest").get("/_manifests/r1.json").status(200).e("Content-Type", "application/json")
                .e("Cache-Control", IMMUTABLE).e("ETag", PRESENT).e("Last-Modified", lm1).done());
        t.add(row("release manifest, unknown").get("/_manifests/r9.json").status(404).done());
        t.add(row("channel manifest").get("/_channels/production/manifest.json").status(200)
                .e("Content-Type", "application/json").e("Cache-Control", "no-cache").e("X-Holdfast-Release", "r2").done());
        t.add(row("other channel's manifest").get("/_channels/staging/manifest.json").status(200)
                .e("X-Holdfast-Release", "r1").done());
        t.add(row("channel manifest, unknown channel").get("/_channels/nope/manifest.json").status(404).done());
        t.add(row("old release's fingerprinted asset").get(r1.url("css/app.css")).status(200)
                .e("ETag", r1.etag("css/app.css", null)).e("Last-Modified", lm1).e("Cache-Control", IMMUTABLE).done());
        t.add(row("shared asset is owned by the oldest release").get(r2.url("fonts/sans.woff2")).status(200)
                .e("Last-Modified", lm1).done());

        // Misses and refusals.
        t.add(row("unknown fingerprinted path: 404, not cached, not HTML").get("/css/app-0123456789ab.css").status(404)
                .e("Cache-Control", "no-store").e("Content-Type", "text/plain; charset=utf-8")
                .e("X-Content-Type-Options", "nosniff").done());
        t.add(row("unknown entry point: 404").get("/about.html").status(404).e("Cache-Control", "no-store").done());
        t.add(row("entry point of a non-current release: 404").get("/old-only.html").status(404).done());
        t.add(row("POST: 405").method("POST", css).status(405).e("Allow", "GET, HEAD, OPTIONS").done());
        t.add(row("DELETE: 405").method("DELETE", css).status(405).done());
        t.add(row("CORS preflight").method("OPTIONS", font).h("Origin", "https://app.example")
                .h("Access-Control-Request-Method", "GET").status(204).e("Access-Control-Allow-Origin", "*")
                .e("Access-Control-Allow-Methods", "GET, HEAD").done());
        t.add(row("encoded dot segment: 400").get("/%2e%2e/etc/passwd").status(400).e("Cache-Control", "no-store").done());
        t.add(row("encoded slash: 400").get("/css%2fapp.css").status(400).done());
        t.add(row("dot-dot segment: 400").get("/css/../index.html").status(400).done());
        t.add(row("double-encoded: 400").get("/%252e%252e/x").status(400).done());
        t.add(row("overlong UTF-8 dot: 400").get("/%c0%ae%c0%ae/x").status(400).done());
        t.add(row("encoded NUL: 400").get("/index.html%00.png").status(400).done());
        t.add(row("encoded backslash: 400").get("/..%5c..%5cx").status(400).done());
        t.add(row("overlong path: 400").get("/" + "a".repeat(3000)).status(400).done());
        t.add(row("valid percent-encoded UTF-8: 404").get("/caf%C3%A9.html").status(404).done());
        return t.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void conformance(Case c) throws Exception {
        HttpResponse<byte[]> r = http.send(c.method(), c.path(), c.request());
        assertEquals(c.status(), r.statusCode(), c.name() + ": status");
        for (Map.Entry<String, String> e : c.expect().entrySet()) {
            Optional<String> actual = r.headers().firstValue(e.getKey());
            switch (e.getValue()) {
                case ABSENT -> assertFalse(actual.isPresent(), c.name() + ": " + e.getKey() + " should be absent, was " + actual);
                case PRESENT -> assertTrue(actual.isPresent(), c.name() + ": " + e.getKey() + " missing");
                default -> assertEquals(e.getValue(), actual.orElse(null), c.name() + ": " + e.getKey());
            }
        }
        if (c.body() != null) {
            assertArrayEquals(c.body(), r.body(), c.name() + ": body");
        }
        if (r.statusCode() >= 400) {
            assertFalse(r.headers().firstValue("Content-Type").orElse("").contains("html"), "errors are never HTML");
        }
    }

    @Test
    void everyAssetOfEveryReleaseByteForByte() throws Exception {
        int checked = 0;
        for (Published p : List.of(r1, r2)) {
            for (Asset a : p.manifest().assets()) {
                List<String> encodings = new ArrayList<>();
                encodings.add(null);
                encodings.addAll(a.variants().keySet());
                for (String enc : encodings) {
                    String ae = enc == null ? "identity" : enc;
                    byte[] expected = p.bytes(a, enc);
                    // Preview URL: always this release's bytes.
                    HttpResponse<byte[]> preview = http.get("/_releases/" + p.id() + "/" + a.servedPath(), "Accept-Encoding", ae);
                    assertEquals(200, preview.statusCode(), a.servedPath());
                    assertArrayEquals(expected, preview.body(), p.id() + " " + a.servedPath() + " " + ae);
                    assertEquals(enc, preview.headers().firstValue("Content-Encoding").orElse(null));
                    if (!a.entryPoint()) {
                        HttpResponse<byte[]> direct = http.get("/" + a.servedPath(), "Accept-Encoding", ae);
                        assertEquals(200, direct.statusCode(), a.servedPath());
                        assertArrayEquals(expected, direct.body(), p.id() + " /" + a.servedPath() + " " + ae);
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked >= 20, "checked " + checked);
        // Twice more: the second read of each comes from the caches.
        for (Asset a : r2.manifest().assets()) {
            if (!a.entryPoint()) {
                assertArrayEquals(r2.bytes(a, null), http.get("/" + a.servedPath()).body());
            }
        }
    }

    @Test
    void channelManifestIsTheCurrentReleaseManifest() throws Exception {
        HttpResponse<byte[]> channel = http.get("/_channels/production/manifest.json");
        HttpResponse<byte[]> release = http.get("/_manifests/r2.json");
        assertArrayEquals(release.body(), channel.body());
        assertEquals(release.headers().firstValue("ETag"), channel.headers().firstValue("ETag"));
        var m = io.holdfast.manifest.Documents.decodeManifest(channel.body(), "http");
        assertEquals(r2.manifest().assets(), m.assets());
        assertEquals(304, http.get("/_channels/production/manifest.json", "If-None-Match",
                channel.headers().firstValue("ETag").orElseThrow()).statusCode());
    }

    @Test
    void aReleaseCommittedWhileRunningIsServedWithoutRestart() throws Exception {
        TestPublisher publisher = new TestPublisher(store);
        Published r3 = publisher.publish("r3-" + getClass().getSimpleName().length(), SampleSite.T3, SampleSite.files(3));
        Asset js = r3.asset("js/app.js");
        // The periodic refresh is 10 minutes away: the miss lookup finds it.
        HttpResponse<byte[]> r = http.get("/" + js.servedPath());
        assertEquals(200, r.statusCode());
        assertArrayEquals(r3.bytes(js, null), r.body());
        assertEquals(200, http.get("/_releases/" + r3.id() + "/").statusCode());
        // Promoting it moves the entry points on the next refresh.
        publisher.promote("canary", r3.id(), SampleSite.T3);
        server.index().refreshNow();
        assertEquals("" + r3.id(), http.get("/_channels/canary/manifest.json").headers().firstValue("X-Holdfast-Release").orElseThrow());
        // Old releases are still all there.
        assertEquals(200, http.get(r1.url("css/app.css")).statusCode());
        assertEquals(200, http.get(r2.url("css/app.css")).statusCode());
        assertNotEquals(r1.url("css/app.css"), r3.url("css/app.css"));
    }

    @Test
    void rawSocketTraversalAttemptsAreRejected() throws Exception {
        for (String target : List.of("/../../etc/passwd", "/css/..%2f..%2fetc/passwd", "/%2E%2E/%2E%2E/etc/passwd",
                "/a\\..\\b", "/./index.html", "/%00", "/%", "/%zz", "/%c0%af", "/%e0%80%ae", "/%ff",
                "http://localhost/../x", "/index.html/..", "//index.html", "/css//app.css")) {
            assertEquals(400, http.rawStatus(target), target);
        }
        byte[] nul = "GET /index.html\0.png HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(400, http.rawStatusBytes(nul));
        byte[] latin1 = "GET /caf\u00e9.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(400, http.rawStatusBytes(latin1));
        assertEquals(200, http.rawStatus("/index.html"));
        assertEquals(200, http.rawStatus("http://localhost/index.html"));
        assertEquals(400, http.rawStatus("http://elsewhere.example/index.html")); // Host mismatch (Undertow)
    }

    static ChannelName production() {
        return ChannelName.of("production");
    }
}
