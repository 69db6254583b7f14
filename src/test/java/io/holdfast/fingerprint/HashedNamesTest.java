package io.holdfast.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashedNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        // Vite / Rollup output seen in the wild
        "assets/index-C_gcIYdA.js", "assets/codeMirrorModule--QdMvsKi.css", "assets/firefox-beta-k3eOH_eK.svg",
        "assets/safari-na3_-uQk.svg", "assets/index-BnQkOdFO.css", "uiMode.CyMfwkXJ.css", "snapshot.-ChLTbql.js",
        "xtermModule.kHJ-D0s7.css", "defaultSettingsView-BQT9Z6FV.js", "app-BxY3z9Ab.js", "index-C_gcIYdA.js.map",
        // webpack [name].[contenthash]
        "main.3f9a0c1e2b4d5e6f7a8b.js", "static/js/787.8a4c3b2e.chunk.js", "static/css/main.073c9b0a.css",
        "3f9a0c1e2b4d5e6f7a8b.js",
        // esbuild
        "app-ABCDEFGH.js", "chunk-5HK7QZRV.js",
        // Propshaft / Sprockets / Holdfast
        "highlight-abc7f01d.js", "application-0123456789abcdef.css",
        "application-4f9b6e3f8c1d2a7b9e0f4f9b6e3f8c1d2a7b9e0f4f9b6e3f8c1d2a7b9e0f1234.js",
        "trix-abc.digested.js",
    })
    void recognisesBundlerHashes(String path) {
        assertTrue(HashedNames.isContentHashed(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "app.js", "index.html", "css/site.css", "my-settings.js", "icon-sprite24.svg", "vendor-Settings.js",
        "lib-myWidget.js", "jquery-3.6.0.min.js", "jquery.min.js", "bootstrap.bundle.js", "report-20240101.csv",
        "font-deadbeef.woff2", "logo.png", "Settings.js", "iconSet2.js", "a-1234567.js", "README", ".htaccess",
        "photo-12345678.jpg", "data.json",
    })
    void leavesOrdinaryNamesAlone(String path) {
        assertFalse(HashedNames.isContentHashed(path), path);
    }

    /** Property: most random Rollup-style hashes are recognised (misses only cost a second fingerprint). */
    @Test
    void recognisesMostRandomBase64Hashes() {
        long seed = 20240611L;
        Random random = new Random(seed);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        int hits = 0;
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            StringBuilder h = new StringBuilder();
            for (int j = 0; j < 8; j++) {
                h.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (HashedNames.isContentHashed("assets/index-" + h + ".js")) {
                hits++;
            }
        }
        assertTrue(hits > n * 0.9, "seed " + seed + ": only " + hits + " of " + n + " recognised");
    }

    @Test
    void ourOwnFingerprintsAreRecognised() {
        String hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assertTrue(HashedNames.isContentHashed(FingerprintedNames.fingerprinted("css/app.css", hex)));
        assertTrue(HashedNames.isContentHashed(FingerprintedNames.fingerprinted("js/app.js.map", hex)));
        assertEquals("js/app-0123456789abcdef.js.map", FingerprintedNames.fingerprinted("js/app.js.map", hex));
    }

    @Test
    void allDigitHashesCountOnlyBesideHexHashesOfTheSameShape() {
        assertFalse(HashedNames.isContentHashed("assets/app-98710179.css"), "alone it looks like a number");
        assertEquals(Set.of("assets/app-98710179.css", "assets/vendor.12345678.js"), HashedNames.digitOnlyHashes(List.of(
                "assets/app-98710179.css", "assets/main-8a4c3b2e.js", "assets/vendor.12345678.js", "assets/x.abcdef12.js",
                "assets/long-1234567890.js", "other/app-98710179.css", "assets/report-2024.csv")));
        assertEquals(Set.of(), HashedNames.digitOnlyHashes(List.of("report-20240101.csv", "photo-12345678.jpg")));
    }
}
