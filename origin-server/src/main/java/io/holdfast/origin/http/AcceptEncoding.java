package io.holdfast.origin.http;

/**
 * Chooses the content coding of a response from the request's Accept-Encoding (RFC 9110 §12.5.3), among the
 * codings an asset has: br, gzip, identity. Parses without allocating.
 *
 * <p>The highest q-value wins; on equal q-values br is preferred to gzip, and both to identity. A coding the header
 * does not name gets the q-value of {@code *} if present, else 0, except identity, which stays acceptable (at the
 * lowest preference) unless {@code identity;q=0}, or {@code *;q=0} without an identity entry, excludes it. No header:
 * identity (sending compressed bytes to a client that did not ask for them breaks too many of them).
 */
public final class AcceptEncoding {
    public static final int NONE = -1;
    public static final int IDENTITY = 0;
    public static final int GZIP = 1;
    public static final int BR = 2;
    private static final int UNSET = -1;

    private AcceptEncoding() {
    }

    /** One of {@link #BR}, {@link #GZIP}, {@link #IDENTITY}, or {@link #NONE} when nothing available is acceptable. */
    public static int choose(String header, boolean hasBr, boolean hasGzip) {
        if (header == null) {
            return IDENTITY;
        }
        int qBr = UNSET;
        int qGzip = UNSET;
        int qIdentity = UNSET;
        int qAny = UNSET;
        int n = header.length();
        int i = 0;
        while (i < n) {
            // one element: token *( OWS ";" OWS param )
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t' || header.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && header.charAt(i) != ';' && header.charAt(i) != ',' && header.charAt(i) != ' '
                    && header.charAt(i) != '\t') {
                i++;
            }
            int end = i;
            int q = 1000;
            while (i < n && header.charAt(i) != ',') {
                char c = header.charAt(i);
                if ((c == 'q' || c == 'Q') && i + 1 < n && header.charAt(i + 1) == '=' && isParamStart(header, i)) {
                    q = parseQ(header, i + 2, n);
                    if (q < 0) {
                        q = 1000; // malformed q: treat as absent
                    }
                    i += 2;
                    continue;
                }
                i++;
            }
            if (end > start) {
                if (is(header, start, end, "br")) {
                    qBr = q;
                } else if (is(header, start, end, "gzip") || is(header, start, end, "x-gzip")) {
                    qGzip = q;
                } else if (is(header, start, end, "identity")) {
                    qIdentity = q;
                } else if (end - start == 1 && header.charAt(start) == '*') {
                    qAny = q;
                }
            }
        }
        int br = hasBr ? (qBr != UNSET ? qBr : (qAny != UNSET ? qAny : 0)) : 0;
        int gzip = hasGzip ? (qGzip != UNSET ? qGzip : (qAny != UNSET ? qAny : 0)) : 0;
        // identity not named: acceptable unless "*;q=0"; it then ranks below every named coding (q 0.0005).
        int identity = qIdentity != UNSET ? qIdentity * 2 : (qAny == 0 ? 0 : (qAny != UNSET ? qAny * 2 - 1 : 1));
        br *= 2;
        gzip *= 2;
        if (br == 0 && gzip == 0 && identity == 0) {
            return NONE;
        }
        if (br >= gzip && br >= identity && br > 0) {
            return BR;
        }
        if (gzip >= identity && gzip > 0) {
            return GZIP;
        }
        return IDENTITY;
    }

    private static boolean isParamStart(String s, int i) {
        int j = i - 1;
        while (j >= 0 && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
            j--;
        }
        return j >= 0 && s.charAt(j) == ';';
    }

    /** A qvalue ("0", "0.5", "1.000") as thousandths, or -1 when malformed. */
    private static int parseQ(String s, int i, int n) {
        if (i >= n) {
            return -1;
        }
        char c = s.charAt(i);
        if (c != '0' && c != '1') {
            return -1;
        }
        int value = (c - '0') * 1000;
        i++;
        if (i < n && s.charAt(i) == '.') {
            i++;
            int scale = 100;
            int digits = 0;
            while (i < n && Character.isDigit(s.charAt(i)) && digits < 3) {
                value += (s.charAt(i) - '0') * scale;
                scale /= 10;
                digits++;
                i++;
            }
        }
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        if (i < n && s.charAt(i) != ',' && s.charAt(i) != ';') {
            return -1;
        }
        return Math.min(value, 1000);
    }

    private static boolean is(String s, int start, int end, String token) {
        return end - start == token.length() && s.regionMatches(true, start, token, 0, token.length());
    }
}
