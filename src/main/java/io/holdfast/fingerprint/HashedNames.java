package io.holdfast.fingerprint;

/**
 * Recognises file names a bundler has already content-hashed, so they are served under their own name and not
 * fingerprinted a second time:
 * <ul>
 *   <li>Vite / Rollup: {@code index-BxY3z9Ab.js}, {@code codeMirrorModule--QdMvsKi.css}, also with a dot
 *       ({@code uiMode.CyMfwkXJ.css}): 8 characters of URL-safe base64;</li>
 *   <li>webpack {@code [name].[contenthash].js} (and {@code main.8a4c3b2e.chunk.js}): 8 to 64 hex characters
 *       as one dot-separated part; Propshaft, Sprockets and Holdfast itself: {@code name-<hex>.ext};</li>
 *   <li>esbuild {@code app-ABCDEFGH.js}: 8 characters of upper-case base32;</li>
 *   <li>Propshaft's explicit marker {@code name-xyz.digested.js}.</li>
 * </ul>
 *
 * <p>A false positive is the dangerous mistake (a name that is not content-addressed would be cached forever
 * while its bytes change), a false negative only adds a second fingerprint. So a candidate must look random:
 * hex needs a digit and a letter; base64 needs at least three changes between character classes (upper, lower,
 * digit, symbol), which 94% of random 8-character strings have and words such as {@code Settings},
 * {@code vendor01} or {@code myWidget} do not. The publisher also checks a recognised name against earlier
 * releases and fingerprints it after all if that name ever held other bytes.
 *
 * <p>All-digit hex hashes: one 8-character hex hash in 40 has no letter ({@code app-98710179.css}); alone, such a
 * name looks like a date or a number ({@code report-20240101.csv}) and is fingerprinted. But a bundler names all
 * its output alike, so {@link #digitOnlyHashes} accepts an all-digit token where another file of the same
 * directory carries a recognised hex hash of the same length in the same place (a dot part or a dash suffix).
 * Fingerprinting such a file again would break every reference to it from HTML, which is not rewritten.
 */
public final class HashedNames {
    private HashedNames() {
    }

    /** True if the last segment of {@code path} carries a bundler's content hash. */
    public static boolean isContentHashed(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.indexOf('.') < 0) {
            return false;
        }
        String[] parts = name.split("\\.", -1);
        // parts[last] is the extension; a name without a dot has no room for a hash part plus an extension
        for (int i = 0; i < parts.length - 1; i++) {
            String part = parts[i];
            if (i > 0 && part.equals("digested")) {
                return true;
            }
            // A whole part may be a hash (main.8a4c3b2e.js); the first part only as hex, since short words
            // such as "iconSet2" would pass the base64 test where a name begins.
            if (isHashToken(part, i > 0)) {
                return true;
            }
            if (part.length() >= 10 && hasDashSuffixHash(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The paths among {@code paths} that are not {@link #isContentHashed} on their own but carry an all-digit hex
     * token shaped like a recognised hex hash of a sibling file (same directory, same length, same place).
     */
    public static java.util.Set<String> digitOnlyHashes(java.util.Collection<String> paths) {
        java.util.Set<String> shapes = new java.util.HashSet<>();
        for (String p : paths) {
            String shape = hexShape(p, false);
            if (shape != null) {
                shapes.add(shape);
            }
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        if (shapes.isEmpty()) {
            return out;
        }
        for (String p : paths) {
            String shape = hexShape(p, true);
            if (shape != null && shapes.contains(shape) && !isContentHashed(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Where a name carries a hex token: "directory|.|length" for a whole dot part, "directory|-|length" for a dash
     * suffix; null if none. {@code digitsOnly}: the token has only digits; else it is {@link #isHex}.
     */
    private static String hexShape(String path, boolean digitsOnly) {
        int slash = path.lastIndexOf('/');
        String dir = path.substring(0, slash + 1);
        String[] parts = path.substring(slash + 1).split("\\.", -1);
        for (int i = 0; i < parts.length - 1; i++) {
            String part = parts[i];
            if (hexToken(part, digitsOnly)) {
                return dir + "|.|" + part.length();
            }
            int dash = part.lastIndexOf('-');
            if (dash > 0 && hexToken(part.substring(dash + 1), digitsOnly)) {
                return dir + "|-|" + (part.length() - dash - 1);
            }
        }
        return null;
    }

    private static boolean hexToken(String s, boolean digitsOnly) {
        if (!digitsOnly) {
            return isHex(s);
        }
        if (s.length() < 8 || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code name-<hash>}: the hash is the tail after a dash (the hash itself may contain dashes). */
    private static boolean hasDashSuffixHash(String part) {
        // Rollup/esbuild hashes are exactly 8 characters and may themselves start with '-' or contain '-'.
        if (part.length() >= 9 && part.charAt(part.length() - 9) == '-') {
            String tail = part.substring(part.length() - 8);
            if (isBase64Hash(tail) || isBase32Hash(tail)) {
                return true;
            }
        }
        int dash = part.lastIndexOf('-');
        return dash > 0 && isHex(part.substring(dash + 1));
    }

    private static boolean isHashToken(String token, boolean allowBase64) {
        return isHex(token) || (allowBase64 && token.length() == 8 && (isBase64Hash(token) || isBase32Hash(token)));
    }

    /** 8 to 64 lower-case hex characters, at least one digit and one letter. */
    static boolean isHex(String s) {
        if (s.length() < 8 || s.length() > 64) {
            return false;
        }
        boolean digit = false;
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c >= 'a' && c <= 'f') {
                letter = true;
            } else {
                return false;
            }
        }
        return digit && letter;
    }

    /** 8 characters of URL-safe base64 with at least three changes of character class. */
    static boolean isBase64Hash(String s) {
        if (s.length() != 8) {
            return false;
        }
        int changes = 0;
        for (int i = 0; i < s.length(); i++) {
            int cls = charClass(s.charAt(i));
            if (cls < 0) {
                return false;
            }
            if (i > 0 && cls != charClass(s.charAt(i - 1))) {
                changes++;
            }
        }
        return changes >= 3;
    }

    /** esbuild's base32: upper case and digits 2-7; at least one letter so a number is never taken for a hash. */
    static boolean isBase32Hash(String s) {
        if (s.length() != 8) {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                letter = true;
            } else if (c < '2' || c > '7') {
                return false;
            }
        }
        return letter;
    }

    private static int charClass(char c) {
        if (c >= 'a' && c <= 'z') {
            return 0;
        }
        if (c >= 'A' && c <= 'Z') {
            return 1;
        }
        if (c >= '0' && c <= '9') {
            return 2;
        }
        return c == '_' || c == '-' ? 3 : -1;
    }
}
