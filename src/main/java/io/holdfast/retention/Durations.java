package io.holdfast.retention;

import io.holdfast.error.ErrorKind;
import io.holdfast.error.HoldfastException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in flags and config files: {@code 7d}, {@code 36h}, {@code 90m}, {@code 30s}, {@code 1d12h}, or ISO-8601. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)([dhms])");
    private static final Pattern WHOLE = Pattern.compile("(\\d+[dhms])+");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param setting the flag or key it came from, named in the error message
     */
    public static Duration parse(String text, String setting) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return nonNegative(Duration.parse(t.toUpperCase(java.util.Locale.ROOT)), text, setting);
            } catch (DateTimeParseException e) {
                throw invalid(text, setting);
            }
        }
        if (!WHOLE.matcher(t).matches()) {
            throw invalid(text, setting);
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(t);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "d" -> Duration.ofDays(n);
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid(text, setting);
        }
        return total;
    }

    /** The exact duration in the largest unit that divides it: {@code 7d}, {@code 36h}, {@code 90m}, {@code 45s}. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s != 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s != 0 && s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** An elapsed time rounded down to its largest unit, for "served 3h ago": {@code 3h}, {@code 12d}, {@code 40s}. */
    public static String approx(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s >= 86_400) {
            return s / 86_400 + "d";
        }
        if (s >= 3_600) {
            return s / 3_600 + "h";
        }
        if (s >= 60) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    private static Duration nonNegative(Duration d, String text, String setting) {
        if (d.isNegative()) {
            throw invalid(text, setting);
        }
        return d;
    }

    private static HoldfastException invalid(String text, String setting) {
        return new HoldfastException(ErrorKind.USAGE, "invalid duration '" + text + "' for " + setting
                + ": use a number with d, h, m or s (7d, 36h, 1d12h, 90m) or ISO-8601 (P7D)");
    }
}
