package io.holdfast.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.holdfast.store.fs.FileSystemStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A list of allowed origins: each is answered by name and every response varies by Origin. */
class CorsListTest {

    @Test
    void allowedOriginsAreEchoedAndResponsesVaryByOrigin(@TempDir Path dir) throws Exception {
        FileSystemStore store = new FileSystemStore(dir, true);
        SampleSite site = new SampleSite(new TestPublisher(store));
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).corsOrigins(List.of("https://app.example", "https://admin.example")).build(),
                store, Clock.systemUTC())) {
            Http http = new Http(server.url());
            String css = site.r2.url("css/app.css");
            String font = site.r2.url("fonts/sans.woff2");
            HttpResponse<byte[]> ok = http.get(font, "Origin", "https://app.example");
            assertEquals("https://app.example", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertEquals("Origin", ok.headers().firstValue("Vary").orElse(null));
            HttpResponse<byte[]> other = http.get(font, "Origin", "https://evil.example");
            assertEquals(200, other.statusCode());
            assertFalse(other.headers().firstValue("Access-Control-Allow-Origin").isPresent());
            assertEquals("Origin", other.headers().firstValue("Vary").orElse(null));
            assertEquals("Accept-Encoding, Origin", http.get(css).headers().firstValue("Vary").orElse(null));
            HttpResponse<byte[]> preflight = http.send("OPTIONS", font, "Origin", "https://admin.example",
                    "Access-Control-Request-Method", "GET");
            assertEquals(204, preflight.statusCode());
            assertEquals("https://admin.example", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        }
        try (OriginServer server = OriginServer.start(OriginConfig.builder().bind("127.0.0.1").port(0).adminPort(0)
                .accessReport(false).corsOrigins(List.of()).build(), store, Clock.systemUTC())) {
            HttpResponse<byte[]> none = new Http(server.url()).get(site.r2.url("fonts/sans.woff2"), "Origin", "https://app.example");
            assertFalse(none.headers().firstValue("Access-Control-Allow-Origin").isPresent());
            assertFalse(none.headers().firstValue("Vary").isPresent());
        }
    }
}
