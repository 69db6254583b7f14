package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.origin.TestPublisher.Published;
import io.holdfast.origin.index.IndexLoader;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.store.s3.S3Store;
import io.holdfast.testing.HostileContent;
import io.holdfast.testing.S3TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The origin on a store holding broken or hostile content ({@link HostileContent}) next to two good releases, on
 * each kind of store: it starts, is ready, serves every asset of the good releases byte for byte, skips every
 * unreadable or untrusted manifest (logged once, counted in {@code holdfast_origin_index_malformed}), answers 502
 * for blobs that are corrupted, missing or not the size their manifest says, and never answers 5xx otherwise or a
 * byte that is not a stored representation's.
 */
class HostileStoreContentTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"filesystem", "remote-streaming", "remote-disk-cache", "s3-streaming"})
    void hostileContentIsSkippedReportedAndNeverServed(String kind, @TempDir Path dir) throws Exception {
        BlobStore store;
        BiConsumer<String, byte[]> raw;
        if (kind.startsWith("s3")) {
            S3TestServer s3 = S3TestServer.shared();
            String bucket = s3.createBucket();
            store = S3Store.open(s3.settings(s3.config(bucket, "store/")), true);
            var client = s3.client();
            raw = (key, bytes) -> client.putObject(b -> b.bucket(bucket).key("store/" + key), RequestBody.fromBytes(bytes));
        } else {
            Path root = dir.resolve("store");
            FileSystemStore fs = new FileSystemStore(root, true);
            store = kind.equals("filesystem") ? fs : new RemoteStore(fs);
            raw = HostileContent.filesUnder(root);
        }
        SampleSite site = new SampleSite(new TestPublisher(store));
        HostileContent.Written hostile = HostileContent.write(store, raw);
        // Channels: one not JSON, one naming a release the origin cannot load.
        raw.accept("channels/broken.json", "{\"name\":".getBytes(StandardCharsets.UTF_8));
        store.compareAndSwap(StoreKeys.channel(ChannelName.of("evil")), Documents.encode(Channel.first(ChannelName.of("evil"),
                ReleaseId.of("h-future"), Instant.parse("2024-03-06T00:00:00Z"))), Optional.empty());

        Logger indexLog = (Logger) LoggerFactory.getLogger(IndexLoader.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        indexLog.addAppender(logged);
        OriginConfig.Builder b = OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0).accessReport(false)
                .accessLog(false).maxCachedBlobBytes(SampleSite.MAX_CACHED).refreshInterval(Duration.ofMillis(200))
                .missLookupInterval(Duration.ofMillis(1));
        if (kind.endsWith("disk-cache")) {
            b.diskCacheDir(Optional.of(dir.resolve("cache")));
        }
        try (store; OriginServer server = OriginServer.start(b.build(), store, Clock.systemUTC())) {
            Http http = new Http(server.url());
            assertEquals(200, http.send("GET", server.adminUrl().resolve("/readyz").toString()).statusCode(), "ready");

            // Every skipped manifest is logged and counted.
            List<String> skipped = new ArrayList<>(HostileContent.UNREADABLE);
            skipped.addAll(HostileContent.UNTRUSTED);
            skipped.add(HostileContent.WRONG_ID);
            String metrics = new String(http.send("GET", server.adminUrl().resolve("/metrics").toString()).body(), StandardCharsets.UTF_8);
            assertTrue(Metrics.value(metrics, "holdfast_origin_index_malformed") >= skipped.size() + 1, metrics.lines()
                    .filter(l -> l.contains("malformed")).toList().toString());
            List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            for (String id : skipped) {
                assertTrue(lines.stream().anyMatch(l -> l.contains("event=manifest_malformed release=" + id + " ")),
                        id + " logged: " + lines);
                assertEquals(404, http.get("/_releases/" + id + "/").statusCode(), id);
                assertEquals(404, http.get("/_manifests/" + id + ".json").statusCode(), id);
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains("channel_malformed") && l.contains("channels/broken.json")), lines.toString());
            assertEquals(404, http.get("/_channels/evil/manifest.json").statusCode());

            // The good releases, byte for byte, in every encoding.
            for (Published p : List.of(site.r1, site.r2)) {
                for (Asset a : p.manifest().assets()) {
                    for (String enc : encodings(a)) {
                        var r = http.get("/_releases/" + p.id() + "/" + a.servedPath(), "Accept-Encoding", enc == null ? "identity" : enc);
                        assertEquals(200, r.statusCode(), p.id() + " " + a.servedPath());
                        assertArrayEquals(p.bytes(a, enc), r.body(), p.id() + " " + a.servedPath() + " " + enc);
                    }
                }
            }
            assertEquals(200, http.get("/").statusCode());
            assertEquals("r2", http.get("/").headers().firstValue("X-Holdfast-Release").orElse(null));

            // The trusted but odd release: many entries serve; an enormous size or a 100,000-character path do not.
            // (A range first, while nothing about the blob is cached or remembered.)
            assertUnusable(http, "/enormous-" + "7".repeat(12) + ".bin", "bytes=1000-1999");
            assertUnusable(http, "/enormous-" + "7".repeat(12) + ".bin", "bytes=-10");
            assertUnusable(http, "/enormous-" + "7".repeat(12) + ".bin", null);
            assertEquals(200, http.get("/_releases/" + HostileContent.HUGE + "/many/17-" + "6".repeat(12) + ".txt").statusCode());
            assertEquals(200, http.get("/many/17-" + "6".repeat(12) + ".txt").statusCode());
            assertEquals(400, http.rawStatus("/l" + "l".repeat(99_999) + ".txt"));
            // Once the same bytes are cached under their true size, the enormous entry still gets no answer from them.
            assertUnusable(http, "/enormous-" + "7".repeat(12) + ".bin", null);

            // The damaged release: the healthy asset serves, the corrupted and missing ones are 502, never their bytes.
            assertEquals(200, http.get("/ok-" + "9".repeat(12) + ".txt").statusCode());
            for (int i = 0; i < 2; i++) {
                var r = http.get(hostile.damagedPath());
                assertEquals(502, r.statusCode());
                assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains("tampered"));
                assertEquals(502, http.get("/missing-" + hostile.missing().hex().substring(0, 12) + ".txt").statusCode());
            }
            metrics = new String(http.send("GET", server.adminUrl().resolve("/metrics").toString()).body(), StandardCharsets.UTF_8);
            assertTrue(Metrics.value(metrics, "holdfast_origin_blob_corrupt_total") >= 1, "corrupt blob counted");
            assertTrue(Metrics.value(metrics, "holdfast_origin_blob_missing_total") >= 1, "missing blob counted");

            // Every path any hostile manifest mentions: never a 5xx but 502, never an unexpected byte.
            for (String path : hostilePaths()) {
                for (String range : new String[] {null, "bytes=0-3"}) {
                    int status;
                    try {
                        var r = range == null ? http.get(path) : http.get(path, "Range", range);
                        status = r.statusCode();
                    } catch (IllegalArgumentException | IOException e) {
                        status = http.rawStatus(path); // a path the client library refuses to send
                    }
                    assertTrue(status == 200 || status == 206 || status == 400 || status == 404 || status == 502 || status == -1,
                            path + " " + range + " -> " + status);
                }
            }
            // Still healthy after all of it, and a release committed now is served.
            Published r3 = new TestPublisher(store).publish("r3", SampleSite.T3, SampleSite.files(3));
            var js = http.get(r3.url("js/app.js"));
            assertEquals(200, js.statusCode());
            assertArrayEquals(r3.bytes(r3.asset("js/app.js"), null), js.body());
        } finally {
            indexLog.detachAppender(logged);
        }
    }

    private static void assertUnusable(Http http, String path, String range) throws Exception {
        try {
            var r = range == null ? http.get(path) : http.get(path, "Range", range);
            assertEquals(502, r.statusCode(), path + " " + range + ": a blob that is not the size its manifest says");
        } catch (IOException e) {
            throw new AssertionError(path + " " + range + ": connection cut instead of a 502", e);
        }
    }

    private static List<String> encodings(Asset a) {
        List<String> e = new ArrayList<>();
        e.add(null);
        e.addAll(a.variants().keySet());
        return e;
    }

    /** Served paths of the hostile manifests, as URLs (direct and under /_releases/). */
    private static List<String> hostilePaths() {
        List<String> paths = new ArrayList<>();
        for (String p : List.of("css/a-" + "1".repeat(12) + ".css", "js/b-" + "2".repeat(12) + ".js", "c-" + "3".repeat(12) + ".txt",
                "dup-" + "4".repeat(12) + ".css", "neg-" + "5".repeat(12) + ".css", "w-" + "8".repeat(12) + ".txt",
                "../../etc/passwd", "x/../../y.css", "%2Fetc%2Fshadow", "a%5C..%5Cb.css", "nul%00.css", "etc/shadow")) {
            paths.add("/" + p);
            for (String id : List.of("h-dotdot", "h-dup", HostileContent.HUGE, HostileContent.DAMAGED, "h-future")) {
                paths.add("/_releases/" + id + "/" + p);
            }
        }
        return paths;
    }
}
