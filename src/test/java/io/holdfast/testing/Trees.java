package io.holdfast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Build output trees for publish tests. */
public final class Trees {
    private Trees() {
    }

    /** Writes path → text files under {@code root} (created as needed). */
    public static Path write(Path root, Map<String, String> files) {
        try {
            Files.createDirectories(root);
            for (Map.Entry<String, String> e : files.entrySet()) {
                Path p = root.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue().getBytes(StandardCharsets.UTF_8));
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A small site: a page, a stylesheet referencing an image and a font, a script with a source map, and a
     * text file large enough to get precompressed variants.
     */
    public static Map<String, String> smallSite() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("index.html", "<!doctype html><link rel=stylesheet href=css/app.css><script src=js/app.js></script>");
        m.put("css/app.css", "body{background:url(../img/logo.png)}\n@font-face{src:url('/fonts/f.woff2')}\n");
        m.put("img/logo.png", "\u0089PNG fake");
        m.put("fonts/f.woff2", "wOF2 fake");
        m.put("js/app.js", "console.log('hello');\n".repeat(200) + "//# sourceMappingURL=app.js.map\n");
        m.put("js/app.js.map", "{\"version\":3,\"sources\":[\"app.ts\"]}");
        return m;
    }

    /** {@code n} small files of pseudo-random text (seeded), named {@code f/<i>.txt}. */
    public static Map<String, String> numbered(int n, long seed) {
        Random r = new Random(seed);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 100 + r.nextInt(400);
            for (int j = 0; j < len; j++) {
                sb.append((char) ('a' + r.nextInt(26)));
            }
            m.put("f/" + i + ".txt", sb.toString());
        }
        return m;
    }
}
