package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.publish.PublishListener;
import io.holdfast.publish.PublishRequest;
import io.holdfast.publish.PublishSettings;
import io.holdfast.publish.Publisher;
import io.holdfast.store.BlobStore;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.S3TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Releases made by the real publish pipeline are served byte-for-byte, and the references it rewrote resolve. */
class PublishedSiteTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"filesystem", "s3"})
    void everyPublishedAssetIsServedAndEveryReferenceResolves(String backend, @TempDir Path dir) throws Exception {
        BlobStore store = backend.equals("s3") ? S3TestServer.shared().freshStore() : new FileSystemStore(dir.resolve("store"), true);
        Publisher publisher = Publisher.standard(store, PublishSettings.defaults(), PublishListener.NONE);
        List<ReleaseManifest> releases = new ArrayList<>();
        for (int v = 1; v <= 2; v++) {
            Path site = site(dir.resolve("site" + v), v);
            publisher.publish(PublishRequest.of(site, ReleaseId.of("v" + v)).withChannel(ChannelName.of("production")));
            releases.add(Documents.decodeManifest(store.read(StoreKeys.release(ReleaseId.of("v" + v))).orElseThrow().content(), "m"));
        }
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).build(), store, Clock.systemUTC())) {
            Http http = new Http(server.url());
            for (ReleaseManifest m : releases) {
                for (Asset a : m.assets()) {
                    check(http, store, "/_releases/" + m.id() + "/" + a.servedPath(), a.digest(), null);
                    a.variants().forEach((enc, variant) -> check(http, store, "/_releases/" + m.id() + "/" + a.servedPath(), variant.digest(), enc));
                    if (!a.entryPoint()) {
                        check(http, store, "/" + a.servedPath(), a.digest(), null);
                    }
                }
            }
            assertTrue(new String(http.get("/").body(), StandardCharsets.UTF_8).contains("release 2"));
            assertTrue(new String(http.get("/_releases/v1/").body(), StandardCharsets.UTF_8).contains("release 1"));
            // References publish rewrote inside CSS (url(...) to fingerprinted names) resolve, in every release.
            int n = 0;
            for (ReleaseManifest m : releases) {
                for (Asset a : m.assets()) {
                    if (!a.servedPath().endsWith(".css")) {
                        continue;
                    }
                    String css = new String(http.get("/" + a.servedPath()).body(), StandardCharsets.UTF_8);
                    Matcher refs = Pattern.compile("url\\((/[^)]+)\\)").matcher(css);
                    while (refs.find()) {
                        assertTrue(!refs.group(1).equals("/fonts/s.woff2"), "rewritten to a fingerprinted name: " + refs.group(1));
                        assertEquals(200, http.get(refs.group(1)).statusCode(), refs.group(1));
                        n++;
                    }
                }
            }
            assertTrue(n >= 2, "references checked: " + n);
        } finally {
            store.close();
        }
    }

    private static void check(Http http, BlobStore store, String path, Digest digest, String encoding) {
        try {
            HttpResponse<byte[]> r = http.get(path, "Accept-Encoding", encoding == null ? "identity" : encoding);
            assertEquals(200, r.statusCode(), path);
            byte[] expected = store.get(StoreKeys.blob(digest), null).orElseThrow().readAllBytes();
            assertEquals(digest, Digest.of(expected));
            assertArrayEquals(expected, r.body(), path + " " + encoding);
            assertEquals("\"" + digest.hex() + "\"", r.headers().firstValue("ETag").orElse(null));
        } catch (Exception e) {
            throw new AssertionError(path, e);
        }
    }

    private static Path site(Path root, int version) throws Exception {
        Files.createDirectories(root.resolve("css"));
        Files.createDirectories(root.resolve("js"));
        Files.createDirectories(root.resolve("fonts"));
        Files.writeString(root.resolve("index.html"), "<!doctype html><title>release " + version + "</title>"
                + "<link rel=\"stylesheet\" href=\"/css/app.css\"><script type=\"module\" src=\"/js/app.js\"></script>");
        Files.writeString(root.resolve("css/app.css"), ("@font-face { font-family: s; src: url(/fonts/s.woff2); }\n"
                + "body { color: #" + version + "00; }\n").repeat(40));
        Files.writeString(root.resolve("js/app.js"), ("export const v = " + version + ";\n").repeat(100));
        byte[] font = new byte[4000];
        new Random(7).nextBytes(font);
        Files.write(root.resolve("fonts/s.woff2"), font);
        return root;
    }
}
