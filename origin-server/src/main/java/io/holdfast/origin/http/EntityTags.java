package io.holdfast.origin.http;

/**
 * Matches an entity tag against an If-Match / If-None-Match / If-Range list (RFC 9110 §8.8.3.2, §13.1) without
 * allocating. Our tags are always strong.
 */
public final class EntityTags {
    private EntityTags() {
    }

    /**
     * @param header a list of entity tags or {@code *}
     * @param etag   our tag, quoted
     * @param strong strong comparison (If-Match, If-Range): a weak tag in the list never matches
     */
    public static boolean matches(String header, String etag, boolean strong) {
        int n = header.length();
        int i = 0;
        while (i < n) {
            char c = header.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (c == '*') {
                return true;
            }
            boolean weak = false;
            if (c == 'W' && i + 2 < n && header.charAt(i + 1) == '/' && header.charAt(i + 2) == '"') {
                weak = true;
                i += 2;
            }
            if (header.charAt(i) != '"') {
                // not a tag: skip to the next element
                while (i < n && header.charAt(i) != ',') {
                    i++;
                }
                continue;
            }
            int close = header.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            int len = close - i + 1;
            if (len == etag.length() && header.regionMatches(i, etag, 0, len) && !(strong && weak)) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }
}
