package io.holdfast.origin;

import io.holdfast.origin.TestPublisher.Published;
import io.holdfast.origin.TestPublisher.SiteFile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Two (or more) releases of a small site: HTML, CSS, JS, a font, an image bigger than the test memory cache's
 * per-blob limit, and a large compressible script whose variants are bigger than that limit too.
 * Release 2 changes the HTML, CSS and JS and keeps the font and the image.
 */
final class SampleSite {
    static final Instant T1 = Instant.parse("2024-03-01T10:00:00Z");
    static final Instant T2 = Instant.parse("2024-03-02T10:00:00Z");
    static final Instant T3 = Instant.parse("2024-03-03T10:00:00Z");
    /** Blobs above this are served from files or streams in the tests, not from the memory cache. */
    static final long MAX_CACHED = 64 * 1024;

    final Published r1;
    final Published r2;

    SampleSite(TestPublisher publisher) {
        r1 = publisher.publish("r1", T1, files(1));
        r2 = publisher.publish("r2", T2, files(2));
        publisher.promote("production", "r2", T2);
        publisher.promote("staging", "r1", T1);
    }

    static List<SiteFile> files(int version) {
        Random shared = new Random(42);
        byte[] font = new byte[3000];
        shared.nextBytes(font);
        byte[] image = new byte[300 * 1024];
        shared.nextBytes(image);
        return List.of(
                new SiteFile("index.html", text("<!doctype html><title>release " + version + "</title>"
                        + "<link rel=stylesheet href=/css/app.css><script type=module src=/js/app.js></script>"), true),
                new SiteFile("docs/index.html", text("<!doctype html><p>docs of release " + version), true),
                new SiteFile("robots.txt", text("User-agent: *\nAllow: /\n"), true),
                new SiteFile("css/app.css", repeat("body { color: #" + version + "33; margin: 0 auto; }\n", 120), false),
                new SiteFile("js/app.js", repeat("export const v" + version + " = () => console.log('hello');\n", 60), false),
                new SiteFile("js/big.js", repeat("function f" + version + "(a, b) { return a * b + " + version + "; }\n", 5000), false),
                new SiteFile("fonts/sans.woff2", font, false),
                new SiteFile("img/photo.png", image, false));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] repeat(String s, int n) {
        return s.repeat(n).getBytes(StandardCharsets.UTF_8);
    }
}
