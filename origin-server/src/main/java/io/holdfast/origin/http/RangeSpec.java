package io.holdfast.origin.http;

/**
 * Parses a Range header (RFC 9110 §14.2) for one representation. Only a single byte range is honoured: several
 * ranges, other units or bad syntax mean "ignore the header" (a full 200), which the RFC allows.
 */
public final class RangeSpec {
    /** Parse result: ignore the header. */
    public static final long IGNORE = -1;
    /** Parse result: a valid range that does not overlap the representation (416). */
    public static final long UNSATISFIABLE = -2;

    private RangeSpec() {
    }

    /**
     * @param out receives the last byte position of a satisfiable range in {@code out[0]}
     * @return the first byte position (≥ 0), or {@link #IGNORE} / {@link #UNSATISFIABLE}
     */
    public static long parse(String header, long size, long[] out) {
        if (header == null || !header.regionMatches(true, 0, "bytes=", 0, 6)) {
            return IGNORE;
        }
        String spec = header.substring(6).trim();
        if (spec.isEmpty() || spec.indexOf(',') >= 0) {
            return IGNORE;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return IGNORE;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty() || !digits(b)) {
                    return IGNORE;
                }
                long suffix = Long.parseLong(b);
                if (suffix == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                out[0] = size - 1;
                return Math.max(0, size - suffix);
            }
            if (!digits(a) || (!b.isEmpty() && !digits(b))) {
                return IGNORE;
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (last < first) {
                return IGNORE;
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            out[0] = Math.min(last, size - 1);
            return first;
        } catch (NumberFormatException e) {
            return IGNORE; // more digits than a long: not a range we can serve
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
