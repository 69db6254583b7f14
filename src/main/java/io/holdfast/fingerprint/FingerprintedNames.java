package io.holdfast.fingerprint;

/**
 * Fingerprinted names: {@code css/app.css} with content digest {@code 3f9a…} is served as
 * {@code css/app-3f9a0c1e2b4d5e6f.css}.
 *
 * <p>{@value #HEX_LENGTH} hex characters are 64 bits of the SHA-256. A name only has to differ from the other
 * versions of the same path (different paths never share a name), so what matters is the chance that two of
 * the n versions one path ever has collide: about n²/2⁶⁵. For a path republished every minute for twenty years
 * (n ≈ 10⁷) that is 3·10⁻⁶; 12 hex characters (48 bits) would already be 0.2 at that n. A collision would make
 * one URL name two contents, which the immutable caching of fingerprinted URLs cannot tolerate, so the few extra
 * characters are cheap insurance.
 */
public final class FingerprintedNames {
    /** Hex characters of the digest in a fingerprinted name. */
    public static final int HEX_LENGTH = 16;

    private FingerprintedNames() {
    }

    /** The fingerprint of a digest given as 64 hex characters. */
    public static String fingerprintOf(String digestHex) {
        return digestHex.substring(0, HEX_LENGTH);
    }

    /** {@code dir/name.ext} → {@code dir/name-<hex>.ext}; only the last path segment changes. */
    public static String fingerprinted(String path, String digestHex) {
        int slash = path.lastIndexOf('/');
        return path.substring(0, slash + 1) + insert(path.substring(slash + 1), fingerprintOf(digestHex));
    }

    /**
     * Inserts {@code -hex} before the extension of a file name. A source map keeps its compound extension
     * ({@code app.js.map} → {@code app-<hex>.js.map}) so it still reads as the map of a JS file; a name without
     * extension (or a dot file such as {@code .htaccess}) gets the suffix at the end.
     */
    public static String insert(String fileName, String hex) {
        int ext = extensionStart(fileName);
        return fileName.substring(0, ext) + "-" + hex + fileName.substring(ext);
    }

    /** Index where the extension starts (the dot), or the name's length when it has none. */
    public static int extensionStart(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot <= 0) {
            return fileName.length();
        }
        if (fileName.substring(dot).equalsIgnoreCase(".map")) {
            int inner = fileName.lastIndexOf('.', dot - 1);
            if (inner > 0) {
                return inner;
            }
        }
        return dot;
    }
}
