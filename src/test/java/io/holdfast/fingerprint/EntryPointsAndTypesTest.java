package io.holdfast.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntryPointsAndTypesTest {

    @Test
    void defaultEntryPoints() {
        EntryPoints e = EntryPoints.defaults();
        for (String p : List.of("index.html", "docs/page.htm", "robots.txt", "favicon.ico", "img/favicon.ico",
                "site.webmanifest", "manifest.json", "sw.js", "service-worker.js", ".well-known/security.txt",
                "sitemap.xml", "apple-touch-icon-180x180.png")) {
            assertTrue(e.matches(p), p);
        }
        for (String p : List.of("app.js", "css/site.css", "docs/robots.txt", "img/logo.png", "data/manifest.json.gz")) {
            assertFalse(e.matches(p), p);
        }
    }

    @Test
    void globs() {
        assertTrue(Glob.of("*.txt").matches("a/b/c.txt"));
        assertTrue(Glob.of("/*.txt").matches("c.txt"));
        assertFalse(Glob.of("/*.txt").matches("a/c.txt"));
        assertTrue(Glob.of("static/**").matches("static/a/b.js"));
        assertTrue(Glob.of("**/*.{html,txt}").matches("x.txt"));
        assertTrue(Glob.of("docs/**/*.pdf").matches("docs/a.pdf"));
        assertTrue(Glob.of("docs/**/*.pdf").matches("docs/x/y/a.pdf"));
        assertFalse(Glob.of("docs/*.pdf").matches("docs/x/a.pdf"));
        assertTrue(Glob.of("a?c.js").matches("abc.js"));
        assertTrue(Glob.of("a+b (1).js").matches("a+b (1).js"));
        assertTrue(EntryPoints.of(false, List.of("*.css")).matches("x/y.css"));
        assertFalse(EntryPoints.of(false, List.of("*.css")).matches("index.html"));
    }

    @Test
    void contentTypes() {
        assertEquals("text/css; charset=utf-8", ContentTypes.forPath("a/b.css"));
        assertEquals("text/javascript; charset=utf-8", ContentTypes.forPath("a.MJS"));
        assertEquals("text/html; charset=utf-8", ContentTypes.forPath("index.html"));
        assertEquals("font/woff2", ContentTypes.forPath("f.woff2"));
        assertEquals("image/avif", ContentTypes.forPath("x.avif"));
        assertEquals("application/manifest+json; charset=utf-8", ContentTypes.forPath("site.webmanifest"));
        assertEquals("application/wasm", ContentTypes.forPath("m.wasm"));
        assertEquals("application/octet-stream", ContentTypes.forPath("README"));
        assertEquals("application/octet-stream", ContentTypes.forPath("x.unknownext"));
        assertTrue(ContentTypes.isCompressible(ContentTypes.forPath("a.svg")));
        assertTrue(ContentTypes.isCompressible(ContentTypes.forPath("a.js")));
        assertTrue(ContentTypes.isCompressible(ContentTypes.forPath("a.wasm")));
        assertFalse(ContentTypes.isCompressible(ContentTypes.forPath("a.png")));
        assertFalse(ContentTypes.isCompressible(ContentTypes.forPath("a.woff2")));
        assertFalse(ContentTypes.isCompressible(ContentTypes.forPath("a.bin")));
    }

    @Test
    void urlPaths() {
        assertEquals("img/a.png", UrlPaths.resolve("css/app.css", "../img/a.png", "").orElseThrow());
        assertEquals("css/a.png", UrlPaths.resolve("css/app.css", "./a.png", "").orElseThrow());
        assertEquals("img/a b.png", UrlPaths.resolve("css/app.css", "/img/a%20b.png", "").orElseThrow());
        assertTrue(UrlPaths.resolve("app.css", "../x.png", "").isEmpty());
        assertTrue(UrlPaths.resolve("app.css", "/other/x.png", "assets/").isEmpty());
        assertEquals("a#b.png", UrlPaths.decode("a%23b.png"));
        assertEquals("a%20b%23-x.png", UrlPaths.encodeSegment("a b#-x.png"));
    }
}
