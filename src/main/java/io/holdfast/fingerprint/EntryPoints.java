package io.holdfast.fingerprint;

import java.util.ArrayList;
import java.util.List;

/**
 * Which files keep their names: the ones something outside the release asks for by a fixed name. Pages
 * (HTML), crawler and browser conventions (robots.txt, favicon.ico, sitemaps, .well-known), web app manifests
 * and service workers (a service worker's URL must stay the same for the browser to update it). Everything
 * else is fingerprinted. The origin serves entry points with revalidation, fingerprinted names as immutable.
 */
public final class EntryPoints {
    /** The defaults; {@code --entry-point GLOB} adds to them, {@code --no-default-entry-points} drops them. */
    public static final List<String> DEFAULT_GLOBS = List.of(
            "*.html", "*.htm", "*.xhtml",
            "/robots.txt", "/ads.txt", "/humans.txt", "/sitemap*.xml", "/.well-known/**",
            "favicon.ico", "apple-touch-icon*.png", "browserconfig.xml",
            "*.webmanifest", "manifest.json",
            "sw.js", "service-worker.js", "sw.mjs", "service-worker.mjs");

    private final List<Glob> globs;

    public EntryPoints(List<Glob> globs) {
        this.globs = List.copyOf(globs);
    }

    public static EntryPoints defaults() {
        return of(true, List.of());
    }

    /** The default globs (if wanted) plus extra ones given on the command line. */
    public static EntryPoints of(boolean withDefaults, List<String> extra) {
        List<Glob> all = new ArrayList<>();
        if (withDefaults) {
            DEFAULT_GLOBS.forEach(g -> all.add(Glob.of(g)));
        }
        extra.forEach(g -> all.add(Glob.of(g)));
        return new EntryPoints(all);
    }

    /** True if the path (relative, '/'-separated) keeps its name. */
    public boolean matches(String path) {
        for (Glob g : globs) {
            if (g.matches(path)) {
                return true;
            }
        }
        return false;
    }

    public List<Glob> globs() {
        return globs;
    }
}
