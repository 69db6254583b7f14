package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.store.fs.FileSystemStore;
import io.holdfast.testing.FaultInjectingStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The origin has no endpoint that writes or deletes: every method (with a body, for the ones that carry one) on every
 * route of the public and the admin port. Only GET and HEAD succeed (and OPTIONS, which answers CORS preflights with no
 * body); the store is not written except the origin's own access report, byte for byte the same afterwards.
 */
class NoWriteEndpointTest {
    private static final List<String> METHODS = List.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH",
            "TRACE", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "PURGE", "BAN",
            "REPORT", "X-WRITE", "delete", "put");

    @Test
    void onlyGetAndHeadSucceedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("store");
        FileSystemStore fs = new FileSystemStore(root, true);
        SampleSite site = new SampleSite(new TestPublisher(fs));
        FaultInjectingStore watched = new FaultInjectingStore(fs, 0);
        Map<String, String> before = snapshot(root);
        List<String> publicRoutes = List.of(site.r2.url("css/app.css"), site.r1.url("img/photo.png"), "/", "/index.html",
                "/robots.txt", "/docs/", "/_releases/r1/", "/_releases/r1" + site.r1.url("js/app.js"), "/_manifests/r1.json",
                "/_channels/production/manifest.json", "/no-such-file", "/_releases/", "/_manifests/", "/_channels/",
                "/metrics", "/healthz", "/readyz", "/admin", "/releases/r1.json", "/blobs/");
        List<String> adminRoutes = List.of("/healthz", "/readyz", "/metrics", "/", "/admin", "/shutdown", "/drain",
                "/gc", "/releases", site.r2.url("css/app.css"));
        Map<String, Integer> succeeded = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int requests = 0;
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(true).accessReportInterval(Duration.ofMillis(50)).originId("edge-1")
                .refreshInterval(Duration.ofMillis(50)).build(), watched, Clock.systemUTC())) {
            for (boolean admin : List.of(false, true)) {
                int port = (admin ? server.adminUrl() : server.url()).getPort();
                for (String route : admin ? adminRoutes : publicRoutes) {
                    for (String method : METHODS) {
                        boolean body = !List.of("GET", "HEAD", "OPTIONS", "TRACE").contains(method);
                        String req = method + " " + route + " HTTP/1.1\r\nHost: localhost\r\n"
                                + (body ? "Content-Type: application/json\r\nContent-Length: 13\r\n" : "")
                                + "Connection: close\r\n\r\n" + (body ? "{\"write\":true}".substring(0, 13) : "");
                        RawHttp.Response r = RawHttp.exchange("127.0.0.1", port, req.getBytes(StandardCharsets.ISO_8859_1),
                                method.equals("HEAD"));
                        requests++;
                        int status = r == null ? -1 : r.status();
                        String what = (admin ? "admin " : "") + method + " " + route + " -> " + status;
                        if (status >= 500) {
                            problems.add(what + " (5xx)");
                        }
                        boolean ok = status >= 200 && status < 300;
                        if (ok) {
                            succeeded.merge(method, 1, Integer::sum);
                        }
                        boolean allowed = method.equals("GET") || method.equals("HEAD")
                                || method.equals("OPTIONS") && !admin && status == 204 && r.body().length == 0;
                        if (ok && !allowed) {
                            problems.add(what + " succeeded");
                        }
                    }
                }
            }
        }
        List<String> writes = watched.log().stream()
                .filter(l -> l.startsWith("put ") || l.startsWith("cas ") || l.startsWith("delete "))
                .filter(l -> !l.equals("cas access/edge-1.json")).toList();
        Map<String, String> after = snapshot(root);
        after.keySet().removeIf(k -> k.startsWith("access/"));
        System.out.println("[figures] no-write endpoints: " + requests + " requests (" + METHODS.size() + " methods x "
                + "routes on both ports); 2xx by method " + succeeded + "; store writes other than the access report: "
                + writes.size());
        assertEquals(List.of(), problems);
        assertEquals(List.of(), writes, "the only write is the origin's own access report");
        assertEquals(before, after, "the store is byte for byte the same");
    }

    /** Every file of the store and a digest of its bytes. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String key = root.relativize(p).toString().replace('\\', '/');
                if (!key.startsWith(".holdfast")) {
                    files.put(key, io.holdfast.manifest.Digest.of(Files.readAllBytes(p)).hex());
                }
            }
        }
        return files;
    }
}
