package io.holdfast.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import io.holdfast.manifest.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FingerprinterTest {

    /** A tree in memory: path → content. */
    private static Map<String, FingerprintedFile> run(Map<String, String> tree) {
        return run(tree, "", Set.of());
    }

    private static Map<String, FingerprintedFile> run(Map<String, String> tree, String prefix, Set<String> force) {
        List<SourceAsset> in = new ArrayList<>();
        tree.forEach((path, text) -> {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            in.add(new SourceAsset(path, Digest.of(bytes), bytes.length, () -> bytes.clone()));
        });
        return new Fingerprinter(EntryPoints.defaults(), prefix, force).fingerprint(in).files().stream()
                .collect(Collectors.toMap(FingerprintedFile::path, f -> f, (a, b) -> a, LinkedHashMap::new));
    }

    private static String text(FingerprintedFile f, Map<String, String> tree) {
        return f.isRewritten() ? new String(f.rewritten(), StandardCharsets.UTF_8) : tree.get(f.path());
    }

    private static String hex(String content) {
        return Digest.of(content.getBytes(StandardCharsets.UTF_8)).hex().substring(0, FingerprintedNames.HEX_LENGTH);
    }

    @Test
    void fingerprintsAssetsAndKeepsEntryPoints() {
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("index.html", "<html></html>");
        tree.put("robots.txt", "User-agent: *");
        tree.put("favicon.ico", "ico");
        tree.put("site.webmanifest", "{}");
        tree.put("sw.js", "self.addEventListener('fetch', () => {})");
        tree.put("img/logo.png", "png");
        tree.put("assets/index-C_gcIYdA.js", "bundled");
        Map<String, FingerprintedFile> out = run(tree);
        for (String entry : List.of("index.html", "robots.txt", "favicon.ico", "site.webmanifest", "sw.js")) {
            assertEquals(entry, out.get(entry).servedPath());
            assertTrue(out.get(entry).entryPoint());
        }
        assertEquals("img/logo-" + hex("png") + ".png", out.get("img/logo.png").servedPath());
        assertEquals("assets/index-C_gcIYdA.js", out.get("assets/index-C_gcIYdA.js").servedPath());
        assertFalse(out.get("assets/index-C_gcIYdA.js").entryPoint());
    }

    @Test
    void rewritesCssUrlsOfEveryShape() {
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("img/a.png", "A");
        tree.put("img/b b.png", "B");
        tree.put("fonts/f.woff2", "F");
        tree.put("css/x.css", "X");
        tree.put("img/ü.svg", "U");
        tree.put("css/app.css", String.join("\n",
                ".a{background:url(../img/a.png)}",
                ".b{background:url( \"../img/b%20b.png\" )}",
                ".c{background:url('/img/a.png?v=3#top')}",
                "@font-face{src:url(../fonts/f.woff2#iefix) format('woff2')}",
                "@import \"x.css\";",
                "@import url('./x.css');",
                ".d{background:url(data:image/png;base64,AAAA)}",
                ".e{background:url(https://cdn.example.com/a.png)}",
                ".f{background:url(//cdn.example.com/a.png)}",
                ".g{fill:url(#gradient)}",
                ".h{background:url(../img/missing.png)}",
                ".i{background:url(../img/%C3%BC.svg)}",
                ".j{background:url(../img/ü.svg)}",
                ".k{background:URL(../img/a.png)}"));
        Map<String, FingerprintedFile> out = run(tree);
        String css = text(out.get("css/app.css"), tree);
        String a = "a-" + hex("A") + ".png";
        assertTrue(css.contains(".a{background:url(../img/" + a + ")}"), css);
        assertTrue(css.contains(".b{background:url( \"../img/b%20b-" + hex("B") + ".png\" )}"), css);
        assertTrue(css.contains(".c{background:url('/img/" + a + "?v=3#top')}"), css);
        assertTrue(css.contains("url(../fonts/f-" + hex("F") + ".woff2#iefix)"), css);
        assertTrue(css.contains("@import \"x-" + hex("X") + ".css\";"), css);
        assertTrue(css.contains("@import url('./x-" + hex("X") + ".css');"), css);
        assertTrue(css.contains("url(data:image/png;base64,AAAA)"), css);
        assertTrue(css.contains("url(https://cdn.example.com/a.png)"), css);
        assertTrue(css.contains("url(//cdn.example.com/a.png)"), css);
        assertTrue(css.contains("url(#gradient)"), css);
        assertTrue(css.contains("url(../img/missing.png)"), css);
        assertTrue(css.contains("url(../img/%C3%BC-" + hex("U") + ".svg)"), css);
        assertTrue(css.contains("url(../img/ü-" + hex("U") + ".svg)"), css);
        assertTrue(css.contains("URL(../img/" + a + ")"), css);
        // the served name is the digest of the rewritten bytes, and the digest matches them
        FingerprintedFile app = out.get("css/app.css");
        assertEquals(Digest.of(app.rewritten()), app.digest());
        assertEquals("css/app-" + app.digest().hex().substring(0, 16) + ".css", app.servedPath());
        assertEquals(app.rewritten().length, app.size());
    }

    @Test
    void reportsUnresolvedReferences() {
        Map<String, String> tree = Map.of("app.css", "a{background:url(nope.png)} b{background:url(../../out.png)}");
        List<SourceAsset> in = List.of(new SourceAsset("app.css", Digest.of(tree.get("app.css").getBytes(StandardCharsets.UTF_8)),
                tree.get("app.css").length(), () -> tree.get("app.css").getBytes(StandardCharsets.UTF_8)));
        Fingerprinter.Result r = new Fingerprinter(EntryPoints.defaults(), "", Set.of()).fingerprint(in);
        assertEquals(2, r.unresolved().size(), r.unresolved().toString());
        assertNull(r.files().get(0).rewritten());
    }

    @Test
    void rootRelativeReferencesHonourThePrefix() {
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("img/a.png", "A");
        tree.put("app.css", "a{background:url(/assets/img/a.png)} b{background:url(/img/a.png)}");
        String css = text(run(tree, "assets/", Set.of()).get("app.css"), tree);
        assertTrue(css.contains("url(/assets/img/a-" + hex("A") + ".png)"), css);
        assertTrue(css.contains("url(/img/a.png)"), css); // outside the prefix: not ours
    }

    @Test
    void rewritesSourceMappingUrlsInCssAndJs() {
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("app.js", "console.log(1);\n//# sourceMappingURL=app.js.map\n");
        tree.put("app.js.map", "{\"version\":3}");
        tree.put("app.css", "a{}\n/*# sourceMappingURL=app.css.map */");
        tree.put("app.css.map", "{\"version\":3,\"x\":1}");
        tree.put("inline.js", "x\n//# sourceMappingURL=data:application/json;base64,e30=");
        Map<String, FingerprintedFile> out = run(tree);
        String jsMap = "app-" + hex("{\"version\":3}") + ".js.map";
        assertEquals(jsMap, out.get("app.js.map").servedPath());
        assertEquals("console.log(1);\n//# sourceMappingURL=" + jsMap + "\n", text(out.get("app.js"), tree));
        assertEquals("a{}\n/*# sourceMappingURL=app-" + hex("{\"version\":3,\"x\":1}") + ".css.map */", text(out.get("app.css"), tree));
        assertNull(out.get("inline.js").rewritten());
    }

    @Test
    void namesFollowDependenciesTransitively() {
        Map<String, String> v1 = new LinkedHashMap<>();
        v1.put("a.css", "@import 'b.css';");
        v1.put("b.css", "x{background:url(c.png)}");
        v1.put("c.png", "one");
        Map<String, String> v2 = new LinkedHashMap<>(v1);
        v2.put("c.png", "two");
        Map<String, FingerprintedFile> r1 = run(v1);
        Map<String, FingerprintedFile> r2 = run(v2);
        // changing only the image renames the CSS that references it, and the CSS that imports that one
        assertNotEquals(r1.get("c.png").servedPath(), r2.get("c.png").servedPath());
        assertNotEquals(r1.get("b.css").servedPath(), r2.get("b.css").servedPath());
        assertNotEquals(r1.get("a.css").servedPath(), r2.get("a.css").servedPath());
        assertTrue(text(r2.get("a.css"), v2).contains(r2.get("b.css").servedPath()));
        // and the same input gives the same names
        assertEquals(r1.get("a.css").servedPath(), run(v1).get("a.css").servedPath());
    }

    @Test
    void cyclesGetStableDistinctNames() {
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("a.css", "@import 'b.css'; x{background:url(i.png)}");
        tree.put("b.css", "@import 'a.css';");
        tree.put("i.png", "img");
        Map<String, FingerprintedFile> r1 = run(tree);
        Map<String, FingerprintedFile> again = run(tree);
        assertEquals(r1.get("a.css").servedPath(), again.get("a.css").servedPath());
        assertEquals(r1.get("a.css").digest(), again.get("a.css").digest());
        assertNotEquals(r1.get("a.css").servedPath(), r1.get("b.css").servedPath());
        assertTrue(text(r1.get("a.css"), tree).contains(r1.get("b.css").servedPath()));
        assertTrue(text(r1.get("b.css"), tree).contains(r1.get("a.css").servedPath()));
        // a change outside the cycle renames both members
        Map<String, String> changed = new LinkedHashMap<>(tree);
        changed.put("i.png", "other");
        Map<String, FingerprintedFile> r2 = run(changed);
        assertNotEquals(r1.get("a.css").servedPath(), r2.get("a.css").servedPath());
        assertNotEquals(r1.get("b.css").servedPath(), r2.get("b.css").servedPath());
    }

    @Test
    void aBundlerHashedFileWhoseBytesChangeIsFingerprinted() {
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("main.3f9a0c1e.css", "x{background:url(logo.png)}");
        tree.put("logo.png", "L");
        tree.put("other.8a4c3b2e.css", "y{color:red}");
        Map<String, FingerprintedFile> out = run(tree);
        assertNotEquals("main.3f9a0c1e.css", out.get("main.3f9a0c1e.css").servedPath());
        assertEquals("other.8a4c3b2e.css", out.get("other.8a4c3b2e.css").servedPath());
    }

    @Test
    void forcedNamesAreFingerprintedEvenIfTheyLookHashed() {
        Map<String, String> tree = Map.of("app-BxY3z9Ab.js", "js");
        assertEquals("app-BxY3z9Ab-" + hex("js") + ".js",
                run(tree, "", Set.of("app-BxY3z9Ab.js")).get("app-BxY3z9Ab.js").servedPath());
    }

    @Test
    void refusesTwoContentsUnderOneServedName() {
        String hexA = hex("A");
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("a.png", "A");
        tree.put("a-" + hexA + ".png", "not A");
        HoldfastException e = assertThrows(HoldfastException.class, () -> run(tree));
        assertEquals(ErrorKind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("a.png"), e.getMessage());
    }

    @Test
    void entryPointsAreRewrittenButKeepTheirNames() {
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("sw.js", "x\n//# sourceMappingURL=sw.js.map");
        tree.put("sw.js.map", "{}");
        Map<String, FingerprintedFile> out = run(tree);
        assertEquals("sw.js", out.get("sw.js").servedPath());
        assertTrue(text(out.get("sw.js"), tree).contains("sw-" + hex("{}") + ".js.map"));
    }

    @Test
    void anAllDigitHashBesideHexHashesOfItsShapeKeepsItsName() {
        Map<String, String> tree = new LinkedHashMap<>();
        tree.put("index.html", "<link rel=stylesheet href=assets/app-98710179.css>");
        tree.put("assets/app-98710179.css", "a{}");
        tree.put("assets/main-8a4c3b2e.js", "main");
        tree.put("assets/chunk.12345678.js", "only digits, but no dot-part hex sibling");
        tree.put("reports/report-20240101.csv", "a date, not a hash");
        Map<String, FingerprintedFile> out = run(tree);
        assertEquals("assets/app-98710179.css", out.get("assets/app-98710179.css").servedPath());
        assertEquals("assets/main-8a4c3b2e.js", out.get("assets/main-8a4c3b2e.js").servedPath());
        assertNotEquals("assets/chunk.12345678.js", out.get("assets/chunk.12345678.js").servedPath());
        assertNotEquals("reports/report-20240101.csv", out.get("reports/report-20240101.csv").servedPath());
    }

    @Test
    void referencesKnownFromTheCacheAreNotReadAgain() {
        byte[] css = "body{background:url(logo.png)}".getBytes(StandardCharsets.UTF_8);
        byte[] plain = "p{color:red}".getBytes(StandardCharsets.UTF_8);
        byte[] png = "png".getBytes(StandardCharsets.UTF_8);
        Map<Digest, List<Reference>> known = new java.util.HashMap<>();
        known.put(Digest.of(plain), List.of());
        known.put(Digest.of(css), List.of(new Reference(20, 28, "logo.png")));
        ReferenceCache cache = new ReferenceCache() {
            @Override
            public List<Reference> find(Digest digest, ReferenceScanner.Kind kind) {
                return known.get(digest);
            }

            @Override
            public void remember(Digest digest, ReferenceScanner.Kind kind, List<Reference> references) {
                throw new AssertionError("scanned although known");
            }
        };
        List<SourceAsset> in = List.of(
                new SourceAsset("plain.css", Digest.of(plain), plain.length, () -> {
                    throw new AssertionError("read although its references were known");
                }),
                new SourceAsset("app.css", Digest.of(css), css.length, css::clone),
                new SourceAsset("logo.png", Digest.of(png), png.length, png::clone));
        Map<String, FingerprintedFile> out = new Fingerprinter(EntryPoints.defaults(), "", Set.of(), cache).fingerprint(in)
                .files().stream().collect(Collectors.toMap(FingerprintedFile::path, f -> f));
        assertEquals("body{background:url(logo-" + hex("png") + ".png)}",
                new String(out.get("app.css").rewritten(), StandardCharsets.UTF_8));
        assertFalse(out.get("plain.css").isRewritten());
    }
}
