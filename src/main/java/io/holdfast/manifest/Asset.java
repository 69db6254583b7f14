package io.holdfast.manifest;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One file of a release.
 *
 * @param path        the logical path in the build output, '/'-separated, no leading slash ({@code css/app.css})
 * @param servedPath  the URL path it is served at: fingerprinted ({@code css/app-3f9a0c1e2b4d.css}), or equal to
 *                    {@code path} for entry points and for names a bundler already content-hashed
 * @param digest      SHA-256 of the identity bytes
 * @param size        identity size in bytes
 * @param contentType the Content-Type to serve, with charset for text
 * @param integrity   Subresource Integrity value of the identity bytes
 * @param entryPoint  true for names that keep their name and are served with revalidation (HTML, robots.txt…)
 * @param variants    encoding ({@code br}, {@code gzip}) → precompressed blob, only where smaller
 */
public record Asset(String path, String servedPath, Digest digest, long size, String contentType,
                    String integrity, boolean entryPoint, Map<String, Variant> variants) {
    public Asset {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(servedPath, "servedPath");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(contentType, "contentType");
        variants = variants == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(variants));
    }
}
