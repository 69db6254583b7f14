package io.holdfast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.manifest.Asset;
import io.holdfast.manifest.Channel;
import io.holdfast.manifest.ChannelName;
import io.holdfast.manifest.Digest;
import io.holdfast.manifest.Documents;
import io.holdfast.manifest.ReleaseId;
import io.holdfast.manifest.ReleaseManifest;
import io.holdfast.store.Payload;
import io.holdfast.store.StoreKeys;
import io.holdfast.store.fs.FileSystemStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code holdfast serve} as a real process: flags from the environment, its URL line, and a drain on SIGTERM. */
class ServeCommandTest {

    @Test
    void servesFromTheEnvironmentsSettingsAndDrainsOnSigterm(@TempDir Path dir) throws Exception {
        Path storeDir = dir.resolve("store");
        byte[] page = "<!doctype html><p>hello".getBytes(StandardCharsets.UTF_8);
        byte[] css = "body{margin:0}".getBytes(StandardCharsets.UTF_8);
        try (FileSystemStore store = new FileSystemStore(storeDir, true)) {
            Digest p = put(store, page);
            Digest c = put(store, css);
            ReleaseManifest m = new ReleaseManifest(ReleaseManifest.FORMAT, ReleaseId.of("7"), Instant.parse("2024-05-01T00:00:00Z"), null,
                    List.of(new Asset("index.html", "index.html", p, page.length, "text/html; charset=utf-8", p.integrity(), true, Map.of()),
                            new Asset("app.css", "app-" + c.hex().substring(0, 12) + ".css", c, css.length, "text/css; charset=utf-8", c.integrity(), false, Map.of())));
            store.compareAndSwap(StoreKeys.release(m.id()), Documents.encode(m), Optional.empty());
            store.compareAndSwap(StoreKeys.channel(ChannelName.of("live")),
                    Documents.encode(Channel.first(ChannelName.of("live"), m.id(), Instant.EPOCH)), Optional.empty());
        }
        ProcessBuilder pb = ChildCommand.of(List.of("-D" + LoggingSetup.PRODUCTION + "=true"),
                "serve", "--bind", "127.0.0.1", "--admin-port", "0");
        pb.environment().put("HOLDFAST_STORE", storeDir.toString());
        pb.environment().put("HOLDFAST_PORT", "0");
        pb.environment().put("HOLDFAST_CHANNEL", "live");
        pb.environment().put("HOLDFAST_ENTRY_CACHE_CONTROL", "no-cache, max-age=0");
        pb.environment().put("HOLDFAST_ORIGIN_ID", "test-origin");
        pb.environment().put("HOLDFAST_ACCESS_REPORT_INTERVAL", "1h");
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        Process process = pb.start();
        try {
            ChildCommand.Serving serving = ChildCommand.awaitServing(process, dir.resolve("stderr.txt"));
            assertTrue(serving.line().contains(" channel=live release=7 "), serving.line());
            URI base = serving.url();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("no-cache, max-age=0", r.headers().firstValue("Cache-Control").orElse(null));
            assertEquals("<!doctype html><p>hello", r.body());

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM");
            String err = stderr(dir);
            assertTrue(err.contains("event=drain_finished release=- complete=true"), err);
            assertTrue(err.contains("logger=access method=GET path=/ status=200"), err);
            // The last access report was written on the way out (the interval is an hour).
            try (FileSystemStore store = new FileSystemStore(storeDir, false)) {
                assertTrue(store.head(StoreKeys.access("test-origin")).isPresent());
            }
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void badSettingsAreOneLineUsageErrors(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"serve", "--store", dir.toString(), "--cache-bytes", "lots"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("'lots' is not a size"), err.toString());
        err = new StringWriter();
        code = Main.run(new String[] {"serve", "--store", dir.toString(), "--send-buffer", "2g"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("--send-buffer 2147483648 is too large"), err.toString());
        err = new StringWriter();
        code = Main.run(new String[] {"serve", "--store", dir.resolve("missing").toString(), "--port", "0", "--admin-port", "0"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(6, code, err.toString());
        assertTrue(err.toString().contains("does not exist"), err.toString());
    }

    @Test
    void units() {
        assertEquals(256L << 20, Units.bytes("256m"));
        assertEquals(1L << 30, Units.bytes("1g"));
        assertEquals(1L << 30, Units.bytes("1GiB"));
        assertEquals(16 * 1024, Units.bytes("16k"));
        assertEquals(123, Units.bytes("123"));
        assertEquals(Duration.ofMillis(500), Units.duration("500ms"));
        assertEquals(Duration.ofSeconds(2), Units.duration("2s"));
        assertEquals(Duration.ofMinutes(5), Units.duration("5m"));
        assertEquals(Duration.ofHours(1), Units.duration("PT1H"));
    }

    private static Digest put(FileSystemStore store, byte[] bytes) {
        Payload p = Payload.ofBytes(bytes);
        store.putIfAbsent(StoreKeys.blob(p.sha256()), p);
        return p.sha256();
    }

    private static String stderr(Path dir) throws java.io.IOException {
        Path f = dir.resolve("stderr.txt");
        return Files.exists(f) ? Files.readString(f) : "";
    }
}
